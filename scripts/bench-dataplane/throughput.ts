/**
 * Experiment 2: aggregate throughput out of the SCX as sessions grow. Each session has its own announcement and
 * one TCP channel, with the same upstream and four downstream fakes joined to it; the upstream saturates one
 * data connection per session (TCP backpressure paces it). Throughput out = packet bytes (header + payload)
 * the four sinks receive per second, summed over every session, over a fixed window after a warm-up.
 *
 * Before saturating, every session is primed at a low paced rate until all 4 x N downstream connections carry
 * data: a saturated SCX accepts new connections only slowly (see the report), which is not what is measured.
 *
 * With several security modes, each session count is measured in every mode back to back (a fresh SCX each).
 */

import type { Socket } from 'node:net';
import { CHANNEL, Cluster, counterDelta, type ScxCounters } from './cluster.ts';
import { startPacedTcp, startSaturating, type Source } from './pacer.ts';
import { selfCpuSeconds, systemCpu, type CpuWindow } from './procs.ts';
import type { Security } from './security.ts';
import { median, progress, sleep, waitFor } from './util.ts';
import { PacketStream, PacketTemplate } from './wire.ts';

export interface ThroughputOptions {
  readonly seed: number;
  readonly sessionCounts: readonly number[];
  readonly payloadSizes: readonly number[];
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** One measured point. */
export interface ThroughputPoint {
  /** The SCX secure (TLS on every link) or --insecure. */
  readonly security: Security;
  readonly sessions: number;
  readonly payloadBytes: number;
  readonly packetBytes: number;
  /** Packet bytes per second out of the SCX, summed over the four downstreams and every session: the median of
   * the window's slices (about 1 s each), robust to a stall of the machine in one of them. */
  readonly outBytesPerS: number;
  /** The same over each slice, Gbit/s, and over the whole window. */
  readonly sliceGbps: number[];
  readonly windowGbps: number;
  readonly outGbps: number;
  readonly outPacketsPerS: number;
  /** Packet bytes per second the source handed to its sockets. */
  readonly inBytesPerS: number;
  /** Packets the sinks missed (sequence gaps) over packets expected, in the window. */
  readonly lossFraction: number;
  /** The SCX's own counters over the window: packets in and out, drops by reason. */
  readonly scx: ScxCounters;
  /** CPU use over the window, fraction of one core. */
  readonly scxCpu: number;
  readonly benchCpu: number;
  /** CPU of other processes on the machine over the window, cores: load that disturbs the figure. */
  readonly otherCpu: number;
}

/** Counters of one (sink, session) pair, over its connections. */
interface SinkCounters {
  bytes: number;
  packets: number;
  gaps: number;
}

/** Length of one slice of the window, ms. */
const SLICE_MS = 1000;

/** Priming rate per session, packets/s. */
const PRIME_RATE = 200;

export async function runThroughput(o: ThroughputOptions, modes: readonly Security[], onPoint: (p: ThroughputPoint) => void): Promise<ThroughputPoint[]> {
  const points: ThroughputPoint[] = [];
  for (const n of o.sessionCounts) for (const security of modes) await runSessions(o, n, security, points, onPoint);
  return points;
}

/** The points of `n` sessions, one per payload size, in one mode. */
async function runSessions(o: ThroughputOptions, n: number, security: Security, points: ThroughputPoint[], onPoint: (p: ThroughputPoint) => void): Promise<void> {
  const cluster = await Cluster.start({ label: `thr${n}`, sessions: n, transport: 'tcp', seed: o.seed, security });
  try {
    const sinks = new Map<string, SinkCounters>();
    cluster.downstreams.forEach((d, i) => {
      d.dataSink = (hello) => {
        const key = `${i}|${hello.sessionHex}`;
        let c = sinks.get(key);
        if (!c) sinks.set(key, (c = { bytes: 0, packets: 0, gaps: 0 }));
        const counters = c;
        let last: number | undefined;
        const stream = new PacketStream((bytes, seq) => {
          counters.bytes += bytes;
          counters.packets++;
          if (last !== undefined && seq !== ((last + 1) >>> 0)) counters.gaps += Math.max(0, (seq - last - 1) | 0);
          last = seq;
        });
        return (chunk) => stream.push(chunk);
      };
    });
    const total = (f: (c: SinkCounters) => number): number => [...sinks.values()].reduce((a, c) => a + f(c), 0);
    const allReceivedSince = (before: Map<string, number>): boolean =>
      sinks.size === 4 * n && [...sinks].every(([k, c]) => c.packets > (before.get(k) ?? 0));
    const packetsNow = (): Map<string, number> => new Map([...sinks].map(([k, c]) => [k, c.packets]));
    const up = cluster.upstream;
    const sockets: Socket[] = [];
    for (const id of cluster.sessionIds) sockets.push(await up.dialData(cluster.scx.address, id, CHANNEL));
    const seqs = cluster.sessionIds.map(() => 0);
    const run = async (make: (i: number) => Source, until: () => boolean, what: string): Promise<Source[]> => {
      const sources = sockets.map((_, i) => make(i));
      try {
        await waitFor(until, 30_000, what);
      } catch (err) {
        stopAll(sources, seqs);
        throw err;
      }
      return sources;
    };
    for (const size of o.payloadSizes) {
      const templates = cluster.sessionIds.map((id) => new PacketTemplate(id, CHANNEL, up.address, size));
      const template = (i: number): PacketTemplate => templates[i] as PacketTemplate;
      let before = packetsNow();
      const priming = await run((i) => startPacedTcp(sockets[i] as Socket, template(i), PRIME_RATE, seqs[i] as number), () => allReceivedSince(before), `all ${4 * n} downstream connections to receive (primed)`);
      stopAll(priming, seqs);
      before = packetsNow();
      const sources = await run((i) => startSaturating(sockets[i] as Socket, template(i), seqs[i] as number), () => allReceivedSince(before), `all ${4 * n} downstream connections to receive (saturated)`);
      const sent = (): number => sources.reduce((a, s) => a + s.bytes, 0);
      let a = { t: 0, bytes: 0, packets: 0, gaps: 0, sent: 0, scxCpu: 0, benchCpu: 0 };
      let b = a;
      let cpu: CpuWindow;
      let scx: [ScxCounters, ScxCounters];
      const slices: number[] = [];
      const snap = (): typeof a => ({
        t: performance.now(),
        bytes: total((c) => c.bytes),
        packets: total((c) => c.packets),
        gaps: total((c) => c.gaps),
        sent: sent(),
        scxCpu: cluster.scx.cpuSeconds(),
        benchCpu: selfCpuSeconds(),
      });
      try {
        await sleep(o.warmupMs);
        const scx0 = await cluster.counters();
        a = snap();
        const done = systemCpu([cluster.scx.pid]);
        const count = Math.max(1, Math.round(o.windowMs / SLICE_MS));
        for (let k = 0, from = a; k < count; k++) {
          await sleep(o.windowMs / count);
          const to = snap();
          slices.push(((to.bytes - from.bytes) * 8) / ((to.t - from.t) / 1000) / 1e9);
          from = to;
        }
        cpu = done();
        b = snap();
        scx = [scx0, await cluster.counters()];
      } finally {
        stopAll(sources, seqs);
      }
      const dt = (b.t - a.t) / 1000;
      const packets = b.packets - a.packets;
      const gaps = b.gaps - a.gaps;
      const p: ThroughputPoint = {
        security,
        sessions: n,
        payloadBytes: size,
        packetBytes: template(0).bytes.length,
        outBytesPerS: (median(slices) * 1e9) / 8,
        outGbps: median(slices),
        sliceGbps: slices,
        windowGbps: ((b.bytes - a.bytes) * 8) / dt / 1e9,
        outPacketsPerS: packets / dt,
        inBytesPerS: (b.sent - a.sent) / dt,
        lossFraction: packets + gaps > 0 ? gaps / (packets + gaps) : 0,
        scx: counterDelta(scx[0], scx[1]),
        scxCpu: (b.scxCpu - a.scxCpu) / dt,
        benchCpu: (b.benchCpu - a.benchCpu) / dt,
        otherCpu: cpu.otherCores,
      };
      points.push(p);
      onPoint(p);
      await quiet(() => total((c) => c.bytes));
    }
  } finally {
    await cluster.stop();
  }
}

/** Stops sources and remembers where each one's sequence numbers go on. */
function stopAll(sources: readonly Source[], seqs: number[]): void {
  sources.forEach((s, i) => {
    s.stop();
    seqs[i] = s.nextSeq;
  });
}

/** Waits until `count()` has not moved for 300 ms (what the SCX still had queued is through), at most 10 s. */
async function quiet(count: () => number): Promise<void> {
  const until = performance.now() + 10_000;
  let last = count();
  while (performance.now() < until) {
    await sleep(300);
    const now = count();
    if (now === last) return;
    last = now;
  }
  progress('warning: sinks still receiving 10 s after the source stopped');
}
