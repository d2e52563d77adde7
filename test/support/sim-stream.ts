import { Random } from '../../src/core/random.ts';
import type { GossamerEvent } from '../../src/gossamer/events.ts';
import { SimDataPlane } from '../../src/sim/dataplane.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { ServiceModuleFactory } from '../../src/transport/service-module.ts';

/** Options of a simulated stream. */
export interface SimStreamOptions {
  readonly factory: ServiceModuleFactory;
  readonly seed: number;
  /** Data packets lost per hop, 0..1 (default 0). */
  readonly lossRate?: number;
  readonly lossSeed?: number;
  /** Sees every Gossamer event (before the data plane does). */
  readonly onEvent?: (ev: GossamerEvent) => void;
}

/**
 * 16 SCXs at random points of a plane (latency 1 ms + distance / 2) join 0.3 s apart; SCX 3 is the source and
 * sends 50 packets/s (seqs 0..5949) from 1 s to 120 s while the mesh builds and optimises; runs to 125 s.
 */
export function simStream(o: SimStreamOptions): SimDataPlane {
  return simBroadcast({ ...o, scxCount: 16, source: 3, joinGapMs: 300, startMs: 1000, endMs: 120_000, intervalMs: 20, untilMs: 125_000 });
}

/** Options of a simulated broadcast: one source SCX streaming to all the others. */
export interface SimBroadcastOptions extends SimStreamOptions {
  /** SCXs in the session. */
  readonly scxCount: number;
  /** The index of the source SCX. */
  readonly source: number;
  /** SCX i joins at i x joinGapMs, ms. */
  readonly joinGapMs: number;
  /** The source sends one packet every `intervalMs` from `startMs` until before `endMs`, ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly intervalMs: number;
  /** When the run stops, ms. */
  readonly untilMs: number;
  /** Payload bytes of each packet (default 0). */
  readonly payloadBytes?: number;
  /** Whether a data packet sent now from SCX i to SCX j is lost besides `lossRate` (a blackout, say). */
  readonly lostOnHop?: (i: number, j: number, now: number) => boolean;
}

/**
 * `scxCount` SCXs at random points of a plane (latency 1 ms + distance / 2) join `joinGapMs` apart; SCX `source`
 * sends a packet every `intervalMs` from `startMs` to `endMs` while the mesh builds and optimises; runs to `untilMs`.
 */
export function simBroadcast(o: SimBroadcastOptions): SimDataPlane {
  const rng = new Random(o.seed);
  const n = o.scxCount;
  const pos = Array.from({ length: n }, () => [rng.range(0, 100), rng.range(0, 100)] as const);
  const latencyMs = (i: number, j: number) => 1 + Math.hypot(pos[i]![0] - pos[j]![0], pos[i]![1] - pos[j]![1]) / 2;
  let dp: SimDataPlane | undefined;
  const sim = new Simulation({
    scxCount: n,
    latencyMs,
    rendezvous: [0],
    seed: o.seed,
    onEvent: (i, ev, now) => {
      o.onEvent?.(ev);
      dp?.onEvent(i, ev, now);
    },
  });
  const plane = new SimDataPlane(sim, {
    factory: o.factory,
    channel: 1,
    sessionId: new Uint8Array(16),
    latencyMs,
    ...(o.lossRate !== undefined ? { lossRate: o.lossRate, lossSeed: o.lossSeed } : {}),
    ...(o.lostOnHop ? { lostOnHop: o.lostOnHop } : {}),
  });
  dp = plane;
  const payload = new Uint8Array(o.payloadBytes ?? 0);
  for (let i = 0; i < n; i++) sim.join(i, i * o.joinGapMs, i === o.source);
  for (let t = o.startMs; t < o.endMs; t += o.intervalMs) sim.at(t, () => plane.send(o.source, payload));
  sim.runUntil(o.untilMs);
  return plane;
}
