/**
 * Simulator benchmark: Gossamer sessions (tuned profile) of 100, 350 and 1000 SCXs on a transit-stub underlay.
 *
 * Usage: node --import tsx scripts/bench-sim.ts [--quick]
 *   (default)  100 and 350 SCXs with seeds 1..3, 1000 SCXs with seed 1 only (slow).
 *   --quick    100 SCXs with seeds 1..3.
 *
 * Each SCX needs a router of its own and should not use up the underlay, so it has max(1000, 2 x scx) routers:
 * 1000 for 100 and 350 SCXs, 2000 for 1000 SCXs. Progress goes to stderr; the summary table goes to stdout.
 * Then Dijkstra alone: 100 sources on a 1000-router transit-stub graph (the unit test counts its work instead).
 */

import { Random } from '../src/core/random.ts';
import { PROFILES } from '../src/gossamer/profiles.ts';
import { DEFAULT_SCENARIO, runScenario, type ScenarioResult } from '../src/sim/scenario.ts';
import { shortestPaths } from '../src/sim/topology/dijkstra.ts';
import { transitStub, transitStubParamsFor } from '../src/sim/topology/transit-stub.ts';

/** One group of runs: a session size and the seeds to run it with. */
interface Plan {
  readonly scx: number;
  readonly seeds: readonly number[];
}

/** Goal for the median wall time of a 100-SCX session, ms. */
const GOAL_100_MS = 2000;

/** Goal for Dijkstra from 100 sources on a 1000-router transit-stub graph, ms (best of 3). */
const GOAL_DIJKSTRA_MS = 100;

/** Routers of the underlay for `scx` SCXs: at least twice as many, so SCXs never fill every router. */
const routersFor = (scx: number): number => Math.max(1000, 2 * scx);

/** The groups to run, from the command line. */
function plans(argv: readonly string[]): Plan[] {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`bench-sim: unknown argument(s) ${unknown.join(' ')}\nusage: bench-sim.ts [--quick]\n`);
    process.exit(2);
  }
  if (argv.includes('--quick')) return [{ scx: 100, seeds: [1, 2, 3] }];
  return [
    { scx: 100, seeds: [1, 2, 3] },
    { scx: 350, seeds: [1, 2, 3] },
    { scx: 1000, seeds: [1] },
  ];
}

/** Median of a non-empty list (mean of the middle two for an even count). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Simulator events per wall-clock second of one run. */
const eventsPerS = (r: ScenarioResult): number => r.events / (Math.max(1, r.wallMs) / 1000);

/** Runs one session and reports it on stderr. */
function runOne(scx: number, seed: number): ScenarioResult {
  const routers = routersFor(scx);
  process.stderr.write(`run scx=${scx} seed=${seed} routers=${routers} topology=${DEFAULT_SCENARIO.topology} ...\n`);
  const r = runScenario({ ...DEFAULT_SCENARIO, scx, routers, seed, config: PROFILES.tuned });
  process.stderr.write(
    `  done scx=${scx} seed=${seed}: ${r.wallMs} ms wall, ${r.events} events (${Math.round(eventsPerS(r))}/s), ` +
      `${r.endAtS} s virtual, cost ratio ${r.costRatio}, ${r.stable ? `stable at ${r.stableAtS} s` : 'NOT stable'}, ` +
      `${r.routers} routers, 90% discovery ${r.discovery90AtS ?? 'never'} s, ${r.controlBytesPerScxPerS} B/s/SCX\n`,
  );
  return r;
}

/** Lays out rows of cells as a plain-text table, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((x, c) => x.padStart(widths[c] as number)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Wall time of Dijkstra from 100 sources on a 1000-router transit-stub graph, best of 3 runs, ms. */
function dijkstraMs(): number {
  const g = transitStub(transitStubParamsFor(1000), new Random(42));
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const start = performance.now();
    for (let s = 0; s < 100; s++) shortestPaths(g, s * 10);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Runs every planned session and prints the summary. */
function main(): void {
  const groups = plans(process.argv.slice(2));
  const started = performance.now();
  const results = new Map<number, ScenarioResult[]>();
  for (const { scx, seeds } of groups) {
    const runs: ScenarioResult[] = [];
    for (const seed of seeds) runs.push(runOne(scx, seed));
    results.set(scx, runs);
  }

  const header = ['scx', 'routers', 'runs', 'wall ms', 'events', 'events/s', 'virtual s', 'cost ratio', 'stable'];
  const rows = [...results].map(([scx, runs]) => [
    String(scx),
    [...new Set(runs.map((r) => r.routers))].join('/'),
    String(runs.length),
    median(runs.map((r) => r.wallMs)).toFixed(0),
    median(runs.map((r) => r.events)).toFixed(0),
    median(runs.map(eventsPerS)).toFixed(0),
    median(runs.map((r) => r.endAtS)).toFixed(1),
    median(runs.map((r) => r.costRatio)).toFixed(3),
    `${runs.filter((r) => r.stable).length}/${runs.length}`,
  ]);
  const out: string[] = [
    '',
    `Gossamer simulator benchmark (${DEFAULT_SCENARIO.topology}, tuned profile, defaults of DEFAULT_SCENARIO; medians over runs)`,
    `Underlay: max(1000, 2 x scx) routers requested (1000 for 100 and 350 SCXs, 2000 for 1000 SCXs); 'routers' is what was built.`,
    '',
    table(header, rows),
    '',
  ];
  const hundred = results.get(100);
  if (hundred) {
    const ms = median(hundred.map((r) => r.wallMs));
    out.push(`100-SCX median wall: ${ms.toFixed(0)} ms (goal < ${GOAL_100_MS} ms)${ms < GOAL_100_MS ? '' : '  MISSED'}`);
  }
  const dijkstra = dijkstraMs();
  out.push(`Dijkstra, 100 sources x 1000 routers: ${dijkstra.toFixed(1)} ms (goal < ${GOAL_DIJKSTRA_MS} ms)${dijkstra < GOAL_DIJKSTRA_MS ? '' : '  MISSED'}`);
  out.push(`total wall: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(out.join('\n') + '\n');
}

main();
