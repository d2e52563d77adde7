import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

/** The protocol core and the transport framework: they must run unchanged in the simulator and the daemon. */
const CORE_DIRS = ['src/core', 'src/gossamer', 'src/session', 'src/transport', 'src/services', 'src/api'];

/** What the core may never reach for: I/O, timers, the wall clock, global randomness, or the drivers. */
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/from 'node:(net|dgram|http|https|tls|fs|timers|child_process|worker_threads)'/, 'a node: I/O or timer module'],
  [/\bDate\.now\(|new Date\(/, 'the wall clock'],
  [/\bperformance\.now\(/, 'the wall clock'],
  [/\bMath\.random\(/, 'unseeded randomness'],
  [/\bset(Timeout|Interval|Immediate)\(/, 'real timers'],
  [/from '\.\.\/(\.\.\/)*(sim|net|daemon|cluster|cli|client|demo|dashboard)\//, 'a driver (sim, net, daemon, cluster, cli, client, demo, dashboard)'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The repository-relative files a source file imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from '(\.{1,2}\/[^']+)'/gm)].map((m) => relative('.', resolve(dirname(file), m[1] as string)));
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

  it('the client library imports neither the daemon nor the cluster', () => {
    const files = sources('src/client');
    assert.ok(files.length > 3);
    for (const file of files) {
      for (const target of importsOf(file)) assert.doesNotMatch(target, /^src\/(daemon|cluster)\//, `${file} imports ${target}`);
    }
  });

  it('no source file is part of an import cycle', () => {
    const files = sources('src');
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.endsWith('.ts'))]));
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      assert.notEqual(state.get(f), 'open', `import cycle: ${[...path.slice(path.indexOf(f)), f].join(' -> ')}`);
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    assert.ok(state.size > 100);
  });
});
