import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** The chaos bench's command line only: the bench itself needs root, namespaces and minutes (npm run bench:chaos). */
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-chaos.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('npm run bench:chaos, its command line', () => {
  it('--help names every phase, every option and the exit statuses, and starts nothing', () => {
    const r = bench('--help');
    assert.equal(r.status, 0, r.stderr);
    for (const word of ['rest', 'flap', 'gray', 'attacks', 'forgeries', 'generator', 'kill', '--seed', '--only', '--nodes', '--json', 'Exit status']) {
      assert.ok(r.stdout.includes(word), `--help does not mention ${word}`);
    }
    assert.equal(r.stderr, '');
  });

  for (const [args, said] of [
    [['--only', 'nope'], /unknown phase nope/],
    [['--only', ''], /--only needs phase names/],
    [['--nodes', '3'], /--nodes must be an integer from 6 to 40/],
    [['--nodes', 'x'], /--nodes must be an integer/],
    [['--seed', '-1'], /--seed must be an integer/],
    [['--seed'], /--seed needs a value/],
    [['--json'], /--json needs a file name/],
    [['--frobnicate'], /unknown argument "--frobnicate"/],
  ] as const) {
    it(`refuses ${args.join(' ') || '(empty)'} with one line and status 2`, () => {
      const r = bench(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, said);
      assert.equal(r.stderr.trim().split('\n').length, 1, `more than one line: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
      assert.equal(r.stdout, '');
    });
  }
});
