/** The bench's report: plain-text tables with the goals next to the figures, and the same data as JSON. */

import type { IperfResult } from './iperf.ts';
import type { LatencyResult, Percentiles } from './latency.ts';
import type { ThroughputPoint } from './throughput.ts';
import type { UdpResult } from './udp.ts';

/** One goal of the paper's section 6.5 and how this run did (pass undefined: not measured). */
export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean | undefined;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly mode: 'full' | 'quick';
  readonly seed: number;
  readonly scx: { readonly command: string; readonly profile: string; readonly gossamer: Readonly<Record<string, number>>; readonly logLevel: string };
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly plan: Readonly<Record<string, unknown>>;
  latency?: LatencyResult;
  iperf?: IperfResult;
  throughput?: ThroughputPoint[];
  udp?: UdpResult;
  goals: Goal[];
  errors: Array<{ experiment: string; message: string }>;
}

/** Lays out rows as a plain-text table, cells right-aligned except the first column. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c] as number) : x.padStart(widths[c] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const us = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '-');
const fx = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%` : '-');
const mark = (pass: boolean | undefined): string => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS');
const kib = (bytes: number): string => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);

/** Works out the goals from what was measured. */
export function goals(r: BenchReport): Goal[] {
  const out: Goal[] = [];
  const thr = r.throughput ?? [];
  const iperf = r.iperf?.bitsPerSecond;
  for (const size of [...new Set(thr.map((p) => p.payloadBytes))]) {
    const pts = thr.filter((p) => p.payloadBytes === size);
    const ratios = pts.map((p) => (iperf ? (p.outBytesPerS * 8) / iperf : NaN));
    const worst = Math.min(...ratios);
    out.push({
      goal: `throughput out >= 0.6x iperf3 single stream, ${kib(size)} (every session count)`,
      measured: iperf ? `${fx(worst)}x at worst (${fx(Math.max(...ratios))}x at best)` : 'no iperf3 baseline',
      pass: iperf ? worst >= 0.6 : undefined,
    });
    const base = pts.find((p) => p.sessions === Math.min(...pts.map((q) => q.sessions)));
    if (base && pts.length > 1) {
      const dev = Math.max(...pts.map((p) => Math.abs(p.outBytesPerS / base.outBytesPerS - 1)));
      out.push({
        goal: `flat within 10% from ${base.sessions} to ${Math.max(...pts.map((p) => p.sessions))} sessions, ${kib(size)}`,
        measured: `worst point ${(dev * 100).toFixed(1)}% off the ${base.sessions}-session figure`,
        pass: dev <= 0.1,
      });
    }
  }
  if (r.latency) {
    const l = r.latency;
    out.push({ goal: 'added latency (SCX p50 - direct p50) <= 100 us', measured: `${us(l.addedP50Us)} us`, pass: l.addedP50Us <= 100 });
    out.push({ goal: 'end-to-end p99 through the SCX <= 1 ms', measured: `${us(l.paths.scx.p99Us)} us`, pass: l.paths.scx.p99Us <= 1000 });
  }
  if (r.udp) {
    const u = r.udp;
    const rateOk = u.sentPerS >= 0.99 * u.rate;
    out.push({
      goal: `UDP ${u.rate / 1000}k/s in, ${(4 * u.rate) / 1000}k/s out, no loss`,
      measured: `${fx(u.sentPerS / 1000, 1)}k/s in, ${fx(u.receivedPerS / 1000, 1)}k/s out, ${u.lost} lost`,
      pass: rateOk && u.lost === 0,
    });
  }
  return out;
}

/** The whole report as text. */
export function renderReport(r: BenchReport): string {
  const parts: string[] = [];
  parts.push(
    `Scattercast data-plane bench (paper 6.5), ${r.mode} run, ${r.startedAt}\n` +
      `SCX: ${r.scx.command}, profile ${r.scx.profile}, gossamer ${JSON.stringify(r.scx.gossamer)}, seed ${r.seed}, log ${r.scx.logLevel}\n` +
      `machine: ${r.machine.cpus} CPU(s), node ${r.machine.node}, ${r.machine.platform}; fakes (1 upstream, 4 downstreams) in the bench process\n` +
      `plan: ${JSON.stringify(r.plan)}`,
  );
  if (r.latency) parts.push(latencyText(r.latency));
  if (r.throughput) parts.push(throughputText(r.throughput, r.iperf));
  else if (r.iperf) parts.push(`iperf3 single stream on loopback: ${fx(r.iperf.gbps)} Gbit/s`);
  if (r.udp) parts.push(udpText(r.udp));
  parts.push(`Goals\n${table(['goal', 'measured', ''], r.goals.map((g) => [g.goal, g.measured, mark(g.pass)]))}`);
  if (r.errors.length > 0) parts.push(`Errors\n${r.errors.map((e) => `  ${e.experiment}: ${e.message}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

function latencyText(l: LatencyResult): string {
  const { direct, relay, scx } = l.paths;
  const row = (name: string, p: Percentiles): string[] => [name, us(p.p50Us), us(p.p99Us), us(p.p999Us), String(p.n)];
  const diff = (name: string, a: Percentiles, b: Percentiles): string[] => [name, us(a.p50Us - b.p50Us), us(a.p99Us - b.p99Us), us(a.p999Us - b.p999Us), ''];
  const ratio = (name: string, a: Percentiles, b: Percentiles): string[] => [name, `${fx(a.p50Us / b.p50Us)}x`, `${fx(a.p99Us / b.p99Us)}x`, `${fx(a.p999Us / b.p999Us)}x`, ''];
  return (
    `1. Per-packet delay at ${l.rate} packets/s, ${kib(l.payloadBytes)} payload (${l.packetBytes} B packets), ` +
    `median of ${l.reps} run(s); other processes used ${fx(l.otherCpuCores)} cores during the SCX windows\n` +
    table(
      ['path', 'p50 (us)', 'p99 (us)', 'p99.9 (us)', 'samples'],
      [
        row('direct TCP, no relay (U -> D1)', direct),
        row('through the SCX (U -> SCX -> D1..D4)', scx),
        diff('added by the SCX (SCX - direct)', scx, direct),
        ratio('SCX / direct', scx, direct),
        row('reference: null relay process (U -> relay -> D1..D4)', relay),
        diff('SCX - null relay', scx, relay),
      ],
    ) +
    `\nSCX p50 per sink D1..D4: ${l.scxSinkP50Us.map(us).join(' / ')} us. The null relay is a plain Node child that copies ` +
    `each chunk it reads to the 4 sinks: the floor for any relay in its own process on this machine.`
  );
}

function throughputText(points: readonly ThroughputPoint[], iperf: IperfResult | undefined): string {
  const base = new Map<number, number>();
  for (const p of points) if (!base.has(p.payloadBytes)) base.set(p.payloadBytes, p.outBytesPerS);
  const head = iperf
    ? `iperf3 single stream on loopback: ${fx(iperf.gbps)} Gbit/s (median of ${iperf.runs.length} x ${iperf.seconds} s: ` +
      `${iperf.runs.map((b) => fx(b / 1e9)).join(', ')}; other processes used ${fx(iperf.otherCpu)} cores meanwhile)`
    : 'iperf3 baseline: not measured';
  const rows = points.map((p) => [
    kib(p.payloadBytes),
    String(p.sessions),
    fx(p.outGbps),
    `${fx(Math.min(...p.sliceGbps), 1)}-${fx(Math.max(...p.sliceGbps), 1)}`,
    iperf ? `${fx((p.outBytesPerS * 8) / iperf.bitsPerSecond)}x` : '-',
    fx(p.outPacketsPerS / 1000, 1),
    fx((p.inBytesPerS * 8) / 1e9),
    pct(p.lossFraction),
    dropsText(p.scx.drops),
    `${fx(p.scxCpu * 100, 0)}%`,
    `${fx(p.benchCpu * 100, 0)}%`,
    fx(p.otherCpu),
    `${fx(p.outBytesPerS / (base.get(p.payloadBytes) as number))}`,
  ]);
  return (
    `2. Aggregate throughput out of the SCX (packet bytes summed over the 4 downstreams and every session; source saturating)\n` +
    `${head}\nout: median over ~1 s slices of the window (slices: their range); loss: sequence gaps at the sinks; SCX drops: the daemon's own drop counters by reason (/metrics); ` +
    `CPU: fraction of one core; other cores: CPU that other processes on the machine used meanwhile.\n` +
    table(['payload', 'sessions', 'out Gbit/s', 'slices', 'x iperf3', 'out kpkt/s', 'in Gbit/s', 'loss', 'SCX drops', 'SCX CPU', 'bench CPU', 'other cores', 'vs first'], rows)
  );
}

/** Drops by reason, as `reason:count`; `0` for none. */
function dropsText(drops: Readonly<Record<string, number>>): string {
  const parts = Object.entries(drops).filter(([, n]) => n > 0).map(([reason, n]) => `${reason}:${n}`);
  return parts.length > 0 ? parts.join(' ') : '0';
}

function udpText(u: UdpResult): string {
  return (
    `3. UDP channel, ${kib(u.payloadBytes)} payload, ${u.rate} datagrams/s into the SCX, ${u.windowMs} ms window\n` +
    table(
      ['sent', 'sent/s', 'D1', 'D2', 'D3', 'D4', 'received/s (all sinks)', 'lost', 'loss', 'SCX drops', 'SCX UDP send errors'],
      [
        [
          String(u.sent),
          fx(u.sentPerS, 0),
          ...u.receivedPerSink.map(String),
          fx(u.receivedPerS, 0),
          String(u.lost),
          pct(u.lossFraction),
          dropsText(u.scx.drops),
          String(u.scx.udpSendErrors),
        ],
      ],
    )
  );
}
