import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

function scattercast(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/scattercast.js', ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the scattercast command', () => {
  it('sim run --json prints one JSON object with every field the README promises, each of its type and range', () => {
    const r = scattercast('sim', 'run', '--routers', '150', '--scx', '12', '--seed', '9', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    const SCX = 12;
    const num = (k: string): number => {
      assert.equal(typeof out[k], 'number', `${k} is a number: ${JSON.stringify(out[k])}`);
      assert.ok(Number.isFinite(out[k]), `${k} is finite`);
      return out[k] as number;
    };
    const int = (k: string, lo: number, hi: number): number => {
      const v = num(k);
      assert.ok(Number.isInteger(v) && v >= lo && v <= hi, `${k} = ${v}, not an integer in [${lo}, ${hi}]`);
      return v;
    };
    const within = (k: string, lo: number, hi: number): number => {
      const v = num(k);
      assert.ok(v >= lo && v <= hi, `${k} = ${v}, not in [${lo}, ${hi}]`);
      return v;
    };
    const checks: Record<string, () => void> = {
      seed: () => assert.equal(out.seed, 9),
      topology: () => assert.equal(out.topology, 'transit-stub(150)'),
      routers: () => assert.equal(out.routers, 150),
      scx: () => assert.equal(out.scx, SCX),
      sources: () => assert.equal(out.sources, 1),
      degree: () => assert.deepEqual(out.degree, [3, 4]),
      costRatio: () => within('costRatio', 1, 5),
      costRatioPerSource: () => assert.deepEqual(out.costRatioPerSource, [out.costRatio], 'one source: its ratio is the mean'),
      referenceCostRatio: () => within('referenceCostRatio', 1, 5),
      referenceCostRatioDegreeK2: () => within('referenceCostRatioDegreeK2', 1, 5),
      unreached: () => assert.equal(out.unreached, 0),
      discovery90AtS: () => within('discovery90AtS', 0.001, num('endAtS')),
      discoveryAllAtS: () => within('discoveryAllAtS', num('discovery90AtS'), num('endAtS')),
      stableAtS: () => within('stableAtS', 0, num('endAtS')),
      // A run this small settles well before the cap; it then ran on for the whole stable window (100 s).
      stable: () => assert.equal(out.stable, true),
      endAtS: () => within('endAtS', num('stableAtS') + 100, 1200),
      edgeChangesPerNode: () => within('edgeChangesPerNode', 0, 1000),
      // Each overlay edge crosses a physical link at most once, and a tree of 12 SCXs has 11 edges.
      maxLinkCopies: () => int('maxLinkCopies', 1, SCX - 1),
      unicastMaxLinkCopies: () => int('unicastMaxLinkCopies', 1, SCX - 1),
      controlBytesPerScxPerS: () => within('controlBytesPerScxPerS', 1, 100_000),
      steadyControlBytesPerScxPerS: () => within('steadyControlBytesPerScxPerS', 0.001, num('controlBytesPerScxPerS') * 10),
      controlMessagesPerScxPerS: () => within('controlMessagesPerScxPerS', 0.01, num('controlBytesPerScxPerS')),
      malformed: () => assert.equal(out.malformed, 0),
      events: () => int('events', 1, Number.MAX_SAFE_INTEGER),
      wallMs: () => within('wallMs', 0, 60_000),
    };
    // The keys the README lists for --json, in its words, are exactly the keys printed and exactly those checked here.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('`--json` prints ');
    assert.ok(start >= 0, 'the README describes --json');
    const paragraph = readme.slice(start + '`--json` prints '.length, readme.indexOf('The same', start));
    const promised = [...paragraph.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1] as string);
    assert.ok(promised.length >= 20, `only ${promised.length} keys found in the README`);
    assert.deepEqual([...promised].sort(), Object.keys(checks).sort(), 'the README and this test list the same keys');
    assert.deepEqual(Object.keys(out).sort(), [...promised].sort(), 'the JSON has exactly the keys the README lists');
    for (const check of Object.values(checks)) check();
  });

  it('prints a readable summary with the seed', () => {
    const r = scattercast('sim', 'run', '--routers', '150', '--scx', '12', '--seed', '4');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed 4/);
    assert.match(r.stdout, /cost ratio/);
  });

  for (const [args, pattern] of [
    [['--scx', 'abc'], /--scx must be an integer/],
    [['--degree', '4,3'], /--degree must be k1,k2 with k2 > k1/],
    [['--loss', '2'], /--loss must be a number in \[0, 1\]/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--topology', 'nowhere.graphml', '--scx', '5'], /nowhere\.graphml/],
  ] as const) {
    it(`rejects ${args.join(' ')} with one line and exit status 2`, () => {
      const r = scattercast('sim', 'run', ...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }

  it('answers --help', () => {
    const r = scattercast('sim', 'run', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--topology <spec>/);
    assert.match(r.stdout, /--degree <k1,k2>/);
  });
});
