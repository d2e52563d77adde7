/** The bench's report: plain-text tables with the goals next to the figures, and the same data as JSON. */

import type { IperfResult } from './iperf.ts';
import type { LatencyResult, Percentiles } from './latency.ts';
import type { ThroughputPoint } from './throughput.ts';
import type { UdpResult } from './udp.ts';
import { modeName, type Security, type UdpAuthCost } from './security.ts';

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
  /** The modes measured, in order: `on` the SCX secure (the default: mutual TLS 1.3, UDP tags), `off` --insecure. */
  readonly security: readonly Security[];
  /** Per mode. */
  latency?: Partial<Record<Security, LatencyResult>>;
  iperf?: IperfResult;
  /** Every point of every mode (each point names its mode). */
  throughput?: ThroughputPoint[];
  /** Per mode. */
  udp?: Partial<Record<Security, UdpResult>>;
  /** What sealing and opening one UDP datagram costs (UdpKeys micro-benchmark in the bench process). */
  udpAuth?: UdpAuthCost;
  /** What security costs: secure against insecure, where both were measured. */
  tlsCost?: TlsCost;
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

/** Secure against insecure, from the same run. */
export interface TlsCost {
  /** Per path of the latency experiment (scx, direct: TLS on both when secure; relay: plaintext in both, a noise reference), µs. */
  readonly latency?: Record<'scx' | 'direct' | 'relay', { readonly p50: Diff; readonly p99: Diff; readonly p999: Diff }>;
  /** Per (payload, sessions): throughput out and the SCX's CPU per GB out. */
  readonly throughput?: ReadonlyArray<{
    readonly payloadBytes: number;
    readonly sessions: number;
    readonly secureGbps: number;
    readonly insecureGbps: number;
    /** secure / insecure. */
    readonly ratio: number;
    /** SCX CPU seconds per GB out (packet bytes). */
    readonly secureScxCpuSPerGB: number;
    readonly insecureScxCpuSPerGB: number;
  }>;
  /** The UDP channel: delay (µs), loss, the SCX's CPU per datagram in (µs; 1 opened, 4 sealed when secure). */
  readonly udp?: { readonly p50: Diff; readonly p99: Diff; readonly lossFraction: Diff; readonly scxCpuPerDatagramUs: Diff };
}

/** A figure secure, insecure, and their difference (secure - insecure). */
export interface Diff {
  readonly secure: number;
  readonly insecure: number;
  readonly added: number;
}

const diffOf = (secure: number, insecure: number): Diff => ({ secure, insecure, added: secure - insecure });

/** Works out what security costs, where both modes were measured. */
export function tlsCost(r: BenchReport): TlsCost | undefined {
  const out: { -readonly [K in keyof TlsCost]: TlsCost[K] } = {};
  const on = r.latency?.on;
  const off = r.latency?.off;
  if (on && off) {
    const path = (p: 'scx' | 'direct' | 'relay') => ({
      p50: diffOf(on.paths[p].p50Us, off.paths[p].p50Us),
      p99: diffOf(on.paths[p].p99Us, off.paths[p].p99Us),
      p999: diffOf(on.paths[p].p999Us, off.paths[p].p999Us),
    });
    out.latency = { scx: path('scx'), direct: path('direct'), relay: path('relay') };
  }
  const thr = r.throughput ?? [];
  const pairs = thr.filter((p) => p.security === 'on').flatMap((s) => {
    const i = thr.find((p) => p.security === 'off' && p.sessions === s.sessions && p.payloadBytes === s.payloadBytes);
    return i ? [{ s, i }] : [];
  });
  if (pairs.length > 0) {
    const cpuPerGB = (p: ThroughputPoint): number => p.scxCpu / (p.outBytesPerS / 1e9);
    out.throughput = pairs.map(({ s, i }) => ({
      payloadBytes: s.payloadBytes,
      sessions: s.sessions,
      secureGbps: s.outGbps,
      insecureGbps: i.outGbps,
      ratio: s.outBytesPerS / i.outBytesPerS,
      secureScxCpuSPerGB: cpuPerGB(s),
      insecureScxCpuSPerGB: cpuPerGB(i),
    }));
  }
  const uOn = r.udp?.on;
  const uOff = r.udp?.off;
  if (uOn && uOff) {
    out.udp = {
      p50: diffOf(uOn.p50Us, uOff.p50Us),
      p99: diffOf(uOn.p99Us, uOff.p99Us),
      lossFraction: diffOf(uOn.lossFraction, uOff.lossFraction),
      scxCpuPerDatagramUs: diffOf(uOn.scxCpuPerDatagramUs, uOff.scxCpuPerDatagramUs),
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Works out the goals from what was measured: the paper's for each mode, then what TLS may cost. */
export function goals(r: BenchReport): Goal[] {
  const out: Goal[] = [];
  const tag = (s: Security): string => (r.security.length > 1 ? `[${modeName(s)}] ` : '');
  for (const mode of r.security) {
    const thr = (r.throughput ?? []).filter((p) => p.security === mode);
    const iperf = r.iperf?.bitsPerSecond;
    for (const size of [...new Set(thr.map((p) => p.payloadBytes))]) {
      const pts = thr.filter((p) => p.payloadBytes === size);
      const ratios = pts.map((p) => (iperf ? (p.outBytesPerS * 8) / iperf : NaN));
      const worst = Math.min(...ratios);
      out.push({
        goal: `${tag(mode)}throughput out >= 0.6x iperf3 single stream, ${kib(size)} (every session count)`,
        measured: iperf ? `${fx(worst)}x at worst (${fx(Math.max(...ratios))}x at best)` : 'no iperf3 baseline',
        pass: iperf ? worst >= 0.6 : undefined,
      });
      const base = pts.find((p) => p.sessions === Math.min(...pts.map((q) => q.sessions)));
      if (base && pts.length > 1) {
        const dev = Math.max(...pts.map((p) => Math.abs(p.outBytesPerS / base.outBytesPerS - 1)));
        out.push({
          goal: `${tag(mode)}flat within 10% from ${base.sessions} to ${Math.max(...pts.map((p) => p.sessions))} sessions, ${kib(size)}`,
          measured: `worst point ${(dev * 100).toFixed(1)}% off the ${base.sessions}-session figure`,
          pass: dev <= 0.1,
        });
      }
    }
    const l = r.latency?.[mode];
    if (l) {
      out.push({ goal: `${tag(mode)}added latency (SCX p50 - direct p50) <= 100 us`, measured: `${us(l.addedP50Us)} us`, pass: l.addedP50Us <= 100 });
      out.push({ goal: `${tag(mode)}end-to-end p99 through the SCX <= 1 ms`, measured: `${us(l.paths.scx.p99Us)} us`, pass: l.paths.scx.p99Us <= 1000 });
    }
    const u = r.udp?.[mode];
    if (u) {
      const rateOk = u.sentPerS >= 0.99 * u.rate;
      out.push({
        goal: `${tag(mode)}UDP ${u.rate / 1000}k/s in, ${(4 * u.rate) / 1000}k/s out, no loss`,
        measured: `${fx(u.sentPerS / 1000, 1)}k/s in, ${fx(u.receivedPerS / 1000, 1)}k/s out, ${u.lost} lost`,
        pass: rateOk && u.lost === 0,
      });
    }
  }
  const c = r.tlsCost;
  if (c?.latency) {
    const d = c.latency.scx;
    out.push({
      goal: 'TLS adds <= 20 us at p50 through the SCX (secure - insecure)',
      measured: `${sus(d.p50.added)} us (p99 ${sus(d.p99.added)} us; direct path ${sus(c.latency.direct.p50.added)} us at p50)`,
      pass: d.p50.added <= 20,
    });
  }
  for (const size of [...new Set((c?.throughput ?? []).map((p) => p.payloadBytes))]) {
    const pts = (c?.throughput ?? []).filter((p) => p.payloadBytes === size);
    const worst = pts.reduce((a, p) => (p.ratio < a.ratio ? p : a));
    out.push({
      goal: `throughput out secure / insecure >= 0.85, ${kib(size)} (every session count)`,
      measured: `${fx(worst.ratio)} at worst (${worst.sessions} session(s)), ${fx(Math.max(...pts.map((p) => p.ratio)))} at best`,
      pass: worst.ratio >= 0.85,
    });
  }
  if (r.udpAuth) {
    const a = r.udpAuth;
    const e = c?.udp?.scxCpuPerDatagramUs;
    out.push({
      goal: 'UDP authentication: cost per datagram (reported, no bar)',
      measured:
        `seal+open ${fx(a.sealOpenNs / 1000)} us (${a.datagramBytes} B)` +
        (e ? `; SCX CPU per datagram in ${sus(e.added, 1)} us (1 open + 4 seals; ${fx(a.perRelayedDatagramNs / 1000)} us by the micro-benchmark)` : ''),
      pass: undefined,
    });
  }
  return out;
}

/** A signed figure (µs): `+12`, `-3`. */
const sus = (x: number, d = 0): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(d)}` : '-');

/** The whole report as text. */
export function renderReport(r: BenchReport): string {
  const parts: string[] = [];
  parts.push(
    `Scattercast data-plane bench (paper 6.5), ${r.mode} run, ${r.startedAt}\n` +
      `SCX: ${r.scx.command}, profile ${r.scx.profile}, gossamer ${JSON.stringify(r.scx.gossamer)}, seed ${r.seed}, log ${r.scx.logLevel}\n` +
      `machine: ${r.machine.cpus} CPU(s), node ${r.machine.node}, ${r.machine.platform}; fakes (1 upstream, 4 downstreams) in the bench process\n` +
      `plan: ${JSON.stringify(r.plan)}`,
  );
  parts.push(`security: ${r.security.map((s) => `${s} (${modeName(s)}${s === 'on' ? ': mutual TLS 1.3 on every TCP link, 16-byte tags on UDP data' : ': --insecure, plaintext'})`).join(', then ')}`);
  for (const mode of r.security) {
    const l = r.latency?.[mode];
    if (l) parts.push(latencyText(l, r.security.length > 1));
  }
  if (r.tlsCost?.latency) parts.push(latencyCostText(r.tlsCost.latency));
  if (r.throughput) parts.push(throughputText(r.throughput, r.iperf));
  else if (r.iperf) parts.push(`iperf3 single stream on loopback: ${fx(r.iperf.gbps)} Gbit/s`);
  if (r.tlsCost?.throughput) parts.push(throughputCostText(r.tlsCost.throughput));
  const udps = r.security.flatMap((m) => r.udp?.[m] ?? []);
  if (udps.length > 0) parts.push(udpText(udps));
  if (r.udpAuth) parts.push(udpAuthText(r.udpAuth, r.tlsCost?.udp));
  parts.push(`Goals\n${table(['goal', 'measured', ''], r.goals.map((g) => [g.goal, g.measured, mark(g.pass)]))}`);
  if (r.errors.length > 0) parts.push(`Errors\n${r.errors.map((e) => `  ${e.experiment}: ${e.message}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

function latencyText(l: LatencyResult, named: boolean): string {
  const { direct, relay, scx } = l.paths;
  const row = (name: string, p: Percentiles): string[] => [name, us(p.p50Us), us(p.p99Us), us(p.p999Us), String(p.n)];
  const diff = (name: string, a: Percentiles, b: Percentiles): string[] => [name, us(a.p50Us - b.p50Us), us(a.p99Us - b.p99Us), us(a.p999Us - b.p999Us), ''];
  const ratio = (name: string, a: Percentiles, b: Percentiles): string[] => [name, `${fx(a.p50Us / b.p50Us)}x`, `${fx(a.p99Us / b.p99Us)}x`, `${fx(a.p999Us / b.p999Us)}x`, ''];
  return (
    `1. Per-packet delay at ${l.rate} packets/s, ${kib(l.payloadBytes)} payload (${l.packetBytes} B packets)` +
    `${named ? `, ${modeName(l.security)} SCX${l.security === 'on' ? ' (every path mutual TLS, the null relay too)' : ''}` : ''}, ` +
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
  const base = new Map<string, number>();
  const baseKey = (p: ThroughputPoint): string => `${p.security}|${p.payloadBytes}`;
  for (const p of points) if (!base.has(baseKey(p))) base.set(baseKey(p), p.outBytesPerS);
  const head = iperf
    ? `iperf3 single stream on loopback: ${fx(iperf.gbps)} Gbit/s (median of ${iperf.runs.length} x ${iperf.seconds} s: ` +
      `${iperf.runs.map((b) => fx(b / 1e9)).join(', ')}; other processes used ${fx(iperf.otherCpu)} cores meanwhile)`
    : 'iperf3 baseline: not measured';
  const rows = points.map((p) => [
    kib(p.payloadBytes),
    modeName(p.security),
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
    `${fx(p.outBytesPerS / (base.get(baseKey(p)) as number))}`,
  ]);
  return (
    `2. Aggregate throughput out of the SCX (packet bytes summed over the 4 downstreams and every session; source saturating)\n` +
    `${head}\nout: median over ~1 s slices of the window (slices: their range); loss: sequence gaps at the sinks; SCX drops: the daemon's own drop counters by reason (/metrics); ` +
    `CPU: fraction of one core; other cores: CPU that other processes on the machine used meanwhile.\n` +
    table(['payload', 'SCX', 'sessions', 'out Gbit/s', 'slices', 'x iperf3', 'out kpkt/s', 'in Gbit/s', 'loss', 'SCX drops', 'SCX CPU', 'bench CPU', 'other cores', 'vs first'], rows)
  );
}

/** Drops by reason, as `reason:count`; `0` for none. */
function dropsText(drops: Readonly<Record<string, number>>): string {
  const parts = Object.entries(drops).filter(([, n]) => n > 0).map(([reason, n]) => `${reason}:${n}`);
  return parts.length > 0 ? parts.join(' ') : '0';
}

function udpText(us: readonly UdpResult[]): string {
  const u0 = us[0] as UdpResult;
  return (
    `3. UDP channel, ${kib(u0.payloadBytes)} payload, ${u0.rate} datagrams/s into the SCX, ${u0.windowMs} ms window; ` +
    `delay: source stamp to sink (tag opened), every sink; SCX CPU per datagram in (4 out)\n` +
    table(
      ['SCX', 'sent', 'sent/s', 'D1', 'D2', 'D3', 'D4', 'received/s (all sinks)', 'lost', 'loss', 'p50 (us)', 'p99 (us)', 'SCX CPU', 'SCX us/datagram', 'SCX drops', 'SCX UDP send errors', 'tags refused (SCX/fakes)'],
      us.map((u) => [
        modeName(u.security),
        String(u.sent),
        fx(u.sentPerS, 0),
        ...u.receivedPerSink.map(String),
        fx(u.receivedPerS, 0),
        String(u.lost),
        pct(u.lossFraction),
        fx(u.p50Us, 0),
        fx(u.p99Us, 0),
        `${fx(u.scxCpu * 100, 0)}%`,
        fx(u.scxCpuPerDatagramUs, 1),
        dropsText(u.scx.drops),
        String(u.scx.udpSendErrors),
        u.security === 'on' ? `${u.scx.udpRefused + u.scx.udpUnkeyed}/${u.fakesUnauthenticated}` : '-',
      ]),
    )
  );
}

function udpAuthText(a: UdpAuthCost, e: TlsCost['udp']): string {
  return (
    `UDP authentication (HMAC-SHA256 tag, ${a.tagBytes} B, on a ${a.datagramBytes} B datagram): micro-benchmark of UdpKeys in this process, ` +
    `median of ${a.runs} runs x ${a.iterations}: seal ${fx(a.sealNs / 1000)} us, open ${fx(a.openNs / 1000)} us, seal+open ${fx(a.sealOpenNs / 1000)} us ` +
    `(runs ${a.sealOpenRunsNs.map((x) => fx(x / 1000)).join(', ')}); one datagram relayed to 4 downstreams costs the SCX 1 open + 4 seals = ${fx(a.perRelayedDatagramNs / 1000)} us` +
    (e
      ? `\nend to end (secure - insecure): SCX CPU per datagram in ${sus(e.scxCpuPerDatagramUs.added, 1)} us (${fx(e.scxCpuPerDatagramUs.secure, 1)} vs ${fx(e.scxCpuPerDatagramUs.insecure, 1)}), ` +
        `delay p50 ${sus(e.p50.added)} us, p99 ${sus(e.p99.added)} us, loss ${pct(e.lossFraction.secure)} vs ${pct(e.lossFraction.insecure)}`
      : '')
  );
}

function latencyCostText(c: NonNullable<TlsCost['latency']>): string {
  const row = (name: string, d: { p50: Diff; p99: Diff; p999: Diff }): string[] => [
    name,
    us(d.p50.insecure),
    us(d.p50.secure),
    sus(d.p50.added),
    us(d.p99.insecure),
    us(d.p99.secure),
    sus(d.p99.added),
    sus(d.p999.added),
  ];
  return (
    `1c. What TLS adds to the delay (secure - insecure, same run, repetitions interleaved), us\n` +
    table(
      ['path', 'p50 insecure', 'p50 secure', 'p50 added', 'p99 insecure', 'p99 secure', 'p99 added', 'p99.9 added'],
      [row('through the SCX (2 TLS hops)', c.scx), row('direct U -> D1 (1 TLS hop)', c.direct), row('null relay (2 TLS hops, a bare Node relay)', c.relay)],
    )
  );
}

function throughputCostText(c: NonNullable<TlsCost['throughput']>): string {
  return (
    `2c. What TLS costs the throughput out (secure / insecure, back to back per session count); SCX CPU per GB out\n` +
    table(
      ['payload', 'sessions', 'insecure Gbit/s', 'secure Gbit/s', 'secure/insecure', 'SCX CPU-s/GB insecure', 'SCX CPU-s/GB secure', 'CPU ratio'],
      c.map((p) => [
        kib(p.payloadBytes),
        String(p.sessions),
        fx(p.insecureGbps),
        fx(p.secureGbps),
        fx(p.ratio),
        fx(p.insecureScxCpuSPerGB, 3),
        fx(p.secureScxCpuSPerGB, 3),
        `${fx(p.secureScxCpuSPerGB / p.insecureScxCpuSPerGB)}x`,
      ]),
    )
  );
}
