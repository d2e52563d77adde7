/**
 * Experiment 1: per-packet delay at a fixed rate. The source stamps each packet with the wall clock; each sink
 * records receive time minus that stamp. Paths, alternated within one run, same framing and pacing:
 * - direct: a TCP connection U -> D1, no relay;
 * - relay: U -> a null relay child process -> D1..D4 (reference: the least any relay process costs here);
 * - scx: U -> the SCX -> D1..D4.
 * Against a secure SCX (`on`) every path is mutual TLS: the fakes and the null relay are members of its overlay, so
 * the null relay stays the floor of a relay process, now with TLS, and `SCX - null relay` the SCX's own work.
 */

import type { Socket } from 'node:net';
import { join } from 'node:path';
import { CHANNEL, Cluster } from './cluster.ts';
import { startPacedTcp } from './pacer.ts';
import { spawnTracked, stopChild, systemCpu, type CpuWindow } from './procs.ts';
import { REPO_ROOT } from './scx.ts';
import { modeName, type Security } from './security.ts';
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
  /** The SCX secure (mutual TLS on its links: U -> SCX -> D1..D4, and the direct U -> D1) or --insecure. */
  readonly security: Security;
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

/** One mode's cluster, null relay and sources, and what its sinks record. */
interface Rig {
  readonly security: Security;
  readonly cluster: Cluster;
  readonly relay: { address: string; pid: number; stop(): Promise<void> };
  readonly template: PacketTemplate;
  readonly sockets: Record<Path, Socket>;
  readonly got: Record<Path, number[]>;
  readonly seq: Record<Path, number>;
  readonly runs: Record<Path, Percentiles[]>;
  readonly sinkP50: number[][];
  readonly other: number[];
  recording: Path | undefined;
  samples: Samples;
  perSink: Samples[];
}

/**
 * Measures every mode of `modes` (a cluster each, all started first), repetitions interleaved: each repetition runs
 * the three paths of every mode back to back, so that the modes see the same load of the machine.
 */
export async function runLatency(o: LatencyOptions, modes: readonly Security[]): Promise<Partial<Record<Security, LatencyResult>>> {
  const rigs: Rig[] = [];
  try {
    for (const security of modes) rigs.push(await startRig(o, security));
    for (let rep = 1; rep <= o.reps; rep++) {
      for (const rig of rigs) for (const path of PATHS) await measure(o, rig, path, rep);
    }
    const out: Partial<Record<Security, LatencyResult>> = {};
    for (const rig of rigs) {
      const { runs } = rig;
      const paths = { direct: medianOf(runs.direct), relay: medianOf(runs.relay), scx: medianOf(runs.scx) };
      out[rig.security] = {
        security: rig.security,
        rate: o.rate,
        payloadBytes: o.payloadBytes,
        packetBytes: rig.template.bytes.length,
        reps: o.reps,
        paths,
        runs,
        scxSinkP50Us: rig.sinkP50.map((xs) => median(xs)),
        addedP50Us: paths.scx.p50Us - paths.direct.p50Us,
        otherCpuCores: median(rig.other),
      };
    }
    return out;
  } finally {
    for (const rig of rigs) {
      await rig.relay.stop();
      await rig.cluster.stop();
    }
  }
}

async function startRig(o: LatencyOptions, security: Security): Promise<Rig> {
  const cluster = await Cluster.start({ label: `latency-${security}`, sessions: 1, transport: 'tcp', seed: o.seed, security });
  let relay: Rig['relay'];
  try {
    relay = await startNullRelay(cluster.downstreams.map((d) => d.address), cluster.trustStateDir);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  try {
    const sid = cluster.sessionIds[0] as Buffer;
    const up = cluster.upstream;
    const from: Record<string, Path> = { [cluster.scx.address]: 'scx', [relay.address]: 'relay' };
    const rig: Rig = {
      security,
      cluster,
      relay,
      template: new PacketTemplate(sid, CHANNEL, up.address, o.payloadBytes),
      sockets: {} as Record<Path, Socket>,
      got: { direct: [0, 0, 0, 0], relay: [0, 0, 0, 0], scx: [0, 0, 0, 0] },
      seq: { direct: 0, relay: 0, scx: 0 },
      runs: { direct: [], relay: [], scx: [] },
      sinkP50: [[], [], [], []],
      other: [],
      recording: undefined,
      samples: new Samples(),
      perSink: [new Samples(), new Samples(), new Samples(), new Samples()],
    };
    cluster.downstreams.forEach((d, i) => {
      d.dataSink = (hello) => {
        const path: Path = from[hello.from] ?? 'direct';
        const counts = rig.got[path];
        let now = 0;
        const stream = new PacketStream((_bytes, _seq, tsMs) => {
          counts[i] = (counts[i] as number) + 1;
          if (rig.recording !== path) return;
          const us = (now - tsMs) * 1000;
          rig.samples.push(us);
          rig.perSink[i]?.push(us);
        });
        return (chunk) => {
          now = wallMs();
          stream.push(chunk);
        };
      };
    });
    rig.sockets.direct = await up.dialData(cluster.downstreams[0]!.address, sid, CHANNEL);
    rig.sockets.relay = await up.dialData(relay.address, sid, CHANNEL);
    rig.sockets.scx = await up.dialData(cluster.scx.address, sid, CHANNEL);
    return rig;
  } catch (err) {
    await relay.stop();
    await cluster.stop();
    throw err;
  }
}

/** One window of one path of one mode. */
async function measure(o: LatencyOptions, rig: Rig, path: Path, rep: number): Promise<void> {
  const { cluster, relay } = rig;
  const sinks = path === 'direct' ? [0] : [0, 1, 2, 3];
  const before = rig.got[path].slice();
  const src = startPacedTcp(rig.sockets[path], rig.template, o.rate, rig.seq[path]);
  let cpu: CpuWindow;
  try {
    await waitFor(() => sinks.every((i) => (rig.got[path][i] as number) > (before[i] as number)), 15_000, `the ${path} path's sinks to receive (${modeName(rig.security)})`);
    await sleep(o.warmupMs);
    rig.samples = new Samples();
    rig.perSink = [new Samples(), new Samples(), new Samples(), new Samples()];
    const done = systemCpu([cluster.scx.pid, relay.pid]);
    rig.recording = path;
    await sleep(o.windowMs);
    rig.recording = undefined;
    cpu = done();
  } finally {
    src.stop();
    rig.seq[path] = src.nextSeq;
  }
  const p = percentiles(rig.samples);
  rig.runs[path].push(p);
  if (path === 'scx') {
    rig.perSink.forEach((s, i) => rig.sinkP50[i]?.push(quantileSorted(s.sorted(), 0.5)));
    rig.other.push(cpu.otherCores);
  }
  progress(
    `latency rep ${rep}/${o.reps} ${modeName(rig.security)} ${path}: p50 ${p.p50Us.toFixed(0)} us, p99 ${p.p99Us.toFixed(0)} us, ` +
      `p99.9 ${p.p999Us.toFixed(0)} us (${p.n} samples; other processes ${cpu.otherCores.toFixed(2)} cores)`,
  );
  await sleep(200);
}

/** Starts the null relay child towards `sinks` (a member of the overlay in `stateDir`, if given); resolves once it listens. */
async function startNullRelay(sinks: readonly string[], stateDir: string | undefined): Promise<{ address: string; pid: number; stop(): Promise<void> }> {
  const trust = stateDir === undefined ? [] : ['--trust', stateDir];
  const child = spawnTracked(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/bench-dataplane/null-relay.ts'), ...trust, ...sinks], { cwd: REPO_ROOT });
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
