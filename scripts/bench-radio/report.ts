/** The radio bench's report: one table per section, the issue's goals with PASS/MISS, the same data as JSON. */

import { table, type Goal } from '../bench-dataplane/report.ts';
import type { DelayResult } from './probe.ts';
import type { PointResult } from './point.ts';

/** Everything a run measured. */
export interface RadioReport {
  readonly startedAt: string;
  readonly command: string;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly plan: Readonly<Record<string, unknown>>;
  /** Side by side: every server at every count. */
  readonly points: PointResult[];
  /** The 3-cluster overlay, with its end-to-end delay per count. */
  readonly overlay: Array<PointResult & { readonly delay: DelayResult }>;
  goals: Goal[];
  readonly errors: Array<{ readonly what: string; readonly message: string }>;
}

const fx = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const mark = (pass: boolean | undefined): string => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS');
const find = (r: RadioReport, server: string, count: number): PointResult | undefined => r.points.find((p) => p.server === server && p.count === count);
const share = (p: PointResult): number => p.fleet.keepingUp / p.fleet.requested;

/** The issue's goals for MusiCast, from the side-by-side points (undefined: not measured). */
export function goals(r: RadioReport): Goal[] {
  const ice = find(r, 'icecast', 5000);
  const mc = find(r, 'musicast', 5000);
  const ten = find(r, 'musicast', 10_000);
  const one = find(r, 'musicast', 1000);
  const ref = (p: PointResult | undefined, f: (p: PointResult) => string): string => (p ? ` (icecast: ${f(p)})` : '');
  return [
    {
      goal: 'MusiCast CPU <= 0.7x Icecast CPU at 5,000 listeners',
      measured:
        mc && ice
          ? `${fx(mc.serverCores / ice.serverCores, 2)}x (${pct(mc.serverCores)} vs ${pct(ice.serverCores)} of a core, ` +
            `serving ${mc.fleet.streaming} vs ${ice.fleet.streaming}; per listener streaming ${fx(mc.serverCores / mc.fleet.streaming / (ice.serverCores / ice.fleet.streaming), 2)}x)`
          : 'not measured',
      pass: mc && ice ? mc.serverCores <= 0.7 * ice.serverCores : undefined,
    },
    {
      goal: 'MusiCast: every listener keeping up at 10,000',
      measured: ten ? `${ten.fleet.keepingUp} of ${ten.fleet.requested}${ref(find(r, 'icecast', 10_000), (p) => `${p.fleet.keepingUp}`)}` : 'not measured',
      pass: ten ? ten.fleet.keepingUp === ten.fleet.requested : undefined,
    },
    {
      goal: 'MusiCast first byte p99 <= 50 ms at 1,000',
      measured: one ? `${fx(one.fleet.firstByteMs.p99)} ms${ref(find(r, 'icecast', 1000), (p) => `${fx(p.fleet.firstByteMs.p99)} ms`)}` : 'not measured',
      pass: one ? one.fleet.firstByteMs.p99 <= 50 : undefined,
    },
  ];
}

function pointRow(p: PointResult): string[] {
  const f = p.fleet;
  return [
    p.server,
    String(p.count),
    pct(p.serverCores),
    pct((p.serverCores / f.streaming) * 1000),
    fx(p.rssPerListenerBytes / 1024),
    `${pct(share(p))} (${f.keepingUp})`,
    `${pct(f.keepingUpWall / f.requested)}`,
    `${fx((f.medianBytesPerS * 8) / 1000)} / ${fx((f.p1BytesPerS * 8) / 1000)}`,
    `${f.failed}/${f.cut}`,
    `${fx(f.firstByteMs.p50)} / ${fx(f.firstByteMs.p99)}`,
    `${fx(f.firstFrameMs.p50)} / ${fx(f.firstFrameMs.p99)}`,
    `${p.listenOverflows}/${p.listenDrops}`,
    pct(p.clientCores),
    `${fx(p.machineCores, 2)} / ${fx(p.otherCores, 2)}`,
  ];
}

const HEADER = [
  'server', 'listeners', 'CPU', 'CPU/1k streaming', 'RSS/listener KiB', 'keeping up', 'over the wall window', 'kbit/s median/p1', 'failed/cut',
  'first byte p50/p99 ms', 'first frame p50/p99 ms', 'listen overflows/drops', 'clients CPU', 'cores busy/other',
];

/** Why listeners failed or were cut, over every point: `reason:count`. */
function errorsText(points: readonly PointResult[]): string {
  return points
    .filter((p) => Object.keys(p.fleet.errors).length > 0)
    .map((p) => `  ${p.server} x ${p.count}: ${Object.entries(p.fleet.errors).map(([k, v]) => `${k}:${v}`).join(' ')}`)
    .join('\n');
}

/** The whole report as text. */
export function renderReport(r: RadioReport): string {
  const parts: string[] = [];
  parts.push(
    `MusiCast vs Icecast, one 128 kbit/s source, ${r.startedAt}\n` +
      `command: ${r.command}\nmachine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join(', ')}\nplan: ${JSON.stringify(r.plan)}`,
  );
  const legend =
    'CPU: utime+stime of the serving process tree(s) over the window, % of one core (and per 1,000 listeners streaming); RSS/listener: (RSS at the end of the window - idle RSS) / listeners streaming; ' +
    'keeping up: listeners that read within the last second of the window and got >= 99% of 128 kbit/s over the span between their reads nearest the window\'s edges (share of all requested; a server that batches its writes delivers a batch at once, so the wall-clock window\'s edges cut batches: over the wall window, the same rule on the wall-clock window itself); kbit/s: the rate over the window of each listener that streamed, median and slowest 1%; failed: never streamed, cut: closed by the server; ' +
    'first byte/frame: from connect() to the first body byte / the first valid Layer III frame header; listen overflows/drops: kernel TcpExt counters during the point ' +
    '(SYNs dropped at a full accept queue); clients CPU: the listener processes; cores busy/other: busy cores of the whole machine (2 = saturated here) and those used by other processes than the server, its listeners and the bench (other work on the machine: the figures are only worth something when it is near 0).';
  if (r.points.length > 0) parts.push(`1. Side by side, one server each, ffmpeg pushing\n${legend}\n${table(HEADER, r.points.map(pointRow))}`);
  if (r.overlay.length > 0) {
    parts.push(
      `2. MusiCast through a 3-cluster overlay (source into node 1, listeners round robin over nodes 1-3)\n` +
        table(HEADER, r.overlay.map(pointRow)) +
        `\nCPU per node (1/2/3): ${r.overlay.map((p) => `${p.count}: ${p.nodeCores.map(pct).join(' / ')}`).join('; ')}\n` +
        `End-to-end delay, source write() of a marked frame to a probe listener reading it, per node (1 is the source's own SCX), ms\n` +
        table(
          ['listeners', 'node', 'markers', 'p50', 'p99', 'max'],
          r.overlay.flatMap((p) => p.delay.perNode.map((d, i) => [String(p.count), String(i + 1), `${d.n}/${p.delay.sent * p.delay.probesPerNode}`, fx(d.p50), fx(d.p99), fx(d.max)])),
        ),
    );
  }
  const errs = errorsText([...r.points, ...r.overlay]);
  if (errs) parts.push(`Why listeners failed or were cut\n${errs}`);
  parts.push(`Goals (MusiCast, side by side)\n${table(['goal', 'measured', ''], r.goals.map((g) => [g.goal, g.measured, mark(g.pass)]))}`);
  if (r.errors.length > 0) parts.push(`Errors\n${r.errors.map((e) => `  ${e.what}: ${e.message}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
