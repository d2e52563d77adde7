import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

function scattercast(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/scattercast.js', ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the scattercast command', () => {
  it('sim run --json prints one JSON object with the promised fields', () => {
    const r = scattercast('sim', 'run', '--routers', '150', '--scx', '12', '--seed', '9', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of [
      'seed',
      'scx',
      'sources',
      'degree',
      'costRatio',
      'discovery90AtS',
      'discoveryAllAtS',
      'stableAtS',
      'edgeChangesPerNode',
      'maxLinkCopies',
      'unicastMaxLinkCopies',
      'controlBytesPerScxPerS',
      'events',
      'wallMs',
    ]) {
      assert.ok(key in out, `missing ${key}`);
    }
    assert.equal(out.seed, 9);
    assert.deepEqual(out.degree, [3, 4]);
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
