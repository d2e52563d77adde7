/**
 * Experiment 1: per-packet delay at a fixed rate. The source stamps each packet with the wall clock; each sink
 * records receive time minus that stamp. Paths, alternated within one run, same framing and pacing:
 * - direct: a TCP connection U -> D1, no relay;
 * - relay: U -> a null relay child process -> D1..D4 (reference: the least any relay process costs here);
 * - scx: U -> the SCX -> D1..D4.
 */

import type { Socket } from 'node:net';
import { join } from 'node:path';
import { CHANNEL, Cluster } from './cluster.ts';
import { startPacedTcp } from './pacer.ts';
import { spawnTracked, stopChild, systemCpu, type CpuWindow } from './procs.ts';
import { REPO_ROOT } from './scx.ts';
import { median, progress, quantileSorted, Samples, sleep, waitFor, wallMs } from './util.ts';
import { PacketStream, PacketTemplate } from './wire.ts';

export interface LatencyOptions {
  readonly seed: number;
  readonly rate: number;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly reps: number;
}

/** Percentiles of one path, microseconds. */
export interface Percentiles {
  readonly n: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
}

export const PATHS = ['direct', 'relay', 'scx'] as const;
export type Path = (typeof PATHS)[number];

export interface LatencyResult {
  readonly rate: number;
  readonly payloadBytes: number;
  readonly packetBytes: number;
  readonly reps: number;
  /** Per path, medians over the repetitions. */
  readonly paths: Record<Path, Percentiles>;
  readonly runs: Record<Path, Percentiles[]>;
  /** SCX p50 per sink D1..D4 (median over repetitions), µs. */
  readonly scxSinkP50Us: number[];
  /** SCX p50 - direct p50, µs. */
  readonly addedP50Us: number;
  /** CPU of other processes on the machine during the SCX windows, cores (median). */
  readonly otherCpuCores: number;
}

export async function runLatency(o: LatencyOptions): Promise<LatencyResult> {
  const cluster = await Cluster.start({ label: 'latency', sessions: 1, transport: 'tcp', seed: o.seed });
  const relay = await startNullRelay(cluster.downstreams.map((d) => d.address));
  try {
    const sid = cluster.sessionIds[0] as Buffer;
    const up = cluster.upstream;
    const from: Record<string, Path> = { [cluster.scx.address]: 'scx', [relay.address]: 'relay' };
    const got: Record<Path, number[]> = { direct: [0, 0, 0, 0], relay: [0, 0, 0, 0], scx: [0, 0, 0, 0] };
    let recording: Path | undefined;
    let samples = new Samples();
    let perSink = [new Samples(), new Samples(), new Samples(), new Samples()];
    cluster.downstreams.forEach((d, i) => {
      d.dataSink = (hello) => {
        const path: Path = from[hello.from] ?? 'direct';
        const counts = got[path];
        let now = 0;
        const stream = new PacketStream((_bytes, _seq, tsMs) => {
          counts[i] = (counts[i] as number) + 1;
          if (recording !== path) return;
          const us = (now - tsMs) * 1000;
          samples.push(us);
          perSink[i]?.push(us);
        });
        return (chunk) => {
          now = wallMs();
          stream.push(chunk);
        };
      };
    });
    const template = new PacketTemplate(sid, CHANNEL, up.address, o.payloadBytes);
    const sockets: Record<Path, Socket> = {
      direct: await up.dialData(cluster.downstreams[0]!.address, sid, CHANNEL),
      relay: await up.dialData(relay.address, sid, CHANNEL),
      scx: await up.dialData(cluster.scx.address, sid, CHANNEL),
    };
    const seq: Record<Path, number> = { direct: 0, relay: 0, scx: 0 };
    const runs: Record<Path, Percentiles[]> = { direct: [], relay: [], scx: [] };
    const sinkP50: number[][] = [[], [], [], []];
    const other: number[] = [];
    for (let rep = 1; rep <= o.reps; rep++) {
      for (const path of PATHS) {
        const sinks = path === 'direct' ? [0] : [0, 1, 2, 3];
        const before = got[path].slice();
        const src = startPacedTcp(sockets[path], template, o.rate, seq[path]);
        let cpu: CpuWindow;
        try {
          await waitFor(() => sinks.every((i) => (got[path][i] as number) > (before[i] as number)), 15_000, `the ${path} path's sinks to receive`);
          await sleep(o.warmupMs);
          samples = new Samples();
          perSink = [new Samples(), new Samples(), new Samples(), new Samples()];
          const done = systemCpu([cluster.scx.pid, relay.pid]);
          recording = path;
          await sleep(o.windowMs);
          recording = undefined;
          cpu = done();
        } finally {
          src.stop();
          seq[path] = src.nextSeq;
        }
        const p = percentiles(samples);
        runs[path].push(p);
        if (path === 'scx') {
          perSink.forEach((s, i) => sinkP50[i]?.push(quantileSorted(s.sorted(), 0.5)));
          other.push(cpu.otherCores);
        }
        progress(
          `latency rep ${rep}/${o.reps} ${path}: p50 ${p.p50Us.toFixed(0)} us, p99 ${p.p99Us.toFixed(0)} us, ` +
            `p99.9 ${p.p999Us.toFixed(0)} us (${p.n} samples; other processes ${cpu.otherCores.toFixed(2)} cores)`,
        );
        await sleep(200);
      }
    }
    const paths = { direct: medianOf(runs.direct), relay: medianOf(runs.relay), scx: medianOf(runs.scx) };
    return {
      rate: o.rate,
      payloadBytes: o.payloadBytes,
      packetBytes: template.bytes.length,
      reps: o.reps,
      paths,
      runs,
      scxSinkP50Us: sinkP50.map((xs) => median(xs)),
      addedP50Us: paths.scx.p50Us - paths.direct.p50Us,
      otherCpuCores: median(other),
    };
  } finally {
    await relay.stop();
    await cluster.stop();
  }
}

/** Starts the null relay child towards `sinks`; resolves once it listens. */
async function startNullRelay(sinks: readonly string[]): Promise<{ address: string; pid: number; stop(): Promise<void> }> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/bench-dataplane/null-relay.ts'), ...sinks], { cwd: REPO_ROOT });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('null relay not listening after 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`null relay exited with status ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  }).catch(async (err: unknown) => {
    await stopChild(child);
    throw err;
  });
  return { address: `127.0.0.1:${port}`, pid: child.pid as number, stop: () => stopChild(child) };
}

function percentiles(s: Samples): Percentiles {
  const sorted = s.sorted();
  return { n: sorted.length, p50Us: quantileSorted(sorted, 0.5), p99Us: quantileSorted(sorted, 0.99), p999Us: quantileSorted(sorted, 0.999) };
}

function medianOf(ps: readonly Percentiles[]): Percentiles {
  return {
    n: ps.reduce((a, p) => a + p.n, 0),
    p50Us: median(ps.map((p) => p.p50Us)),
    p99Us: median(ps.map((p) => p.p99Us)),
    p999Us: median(ps.map((p) => p.p999Us)),
  };
}
