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
  const rng = new Random(o.seed);
  const n = 16;
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
  });
  dp = plane;
  for (let i = 0; i < n; i++) sim.join(i, i * 300, i === 3);
  for (let t = 1000; t < 120_000; t += 20) sim.at(t, () => plane.send(3));
  sim.runUntil(125_000);
  return plane;
}
