import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** The protocol core and the transport framework: they must run unchanged in the simulator and the daemon. */
const CORE_DIRS = ['src/core', 'src/gossamer', 'src/session', 'src/transport', 'src/services'];

/** What the core may never reach for: I/O, timers, the wall clock, global randomness, or the drivers. */
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/from 'node:(net|dgram|http|https|tls|fs|timers|child_process|worker_threads)'/, 'a node: I/O or timer module'],
  [/\bDate\.now\(|new Date\(/, 'the wall clock'],
  [/\bperformance\.now\(/, 'the wall clock'],
  [/\bMath\.random\(/, 'unseeded randomness'],
  [/\bset(Timeout|Interval|Immediate)\(/, 'real timers'],
  [/from '\.\.\/(\.\.\/)*(sim|net|cluster|cli)\//, 'a driver (sim, net, cluster, cli)'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('architecture', () => {
  it('the sans-IO core and service modules touch no sockets, timers, wall clock, Math.random or driver code', () => {
    const files = CORE_DIRS.flatMap(sources);
    assert.ok(files.length > 10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [pattern, what] of FORBIDDEN) assert.doesNotMatch(text, pattern, `${file} reaches for ${what}`);
    }
  });
});
