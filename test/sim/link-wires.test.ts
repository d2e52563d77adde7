import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardTcp } from '../../src/services/forward/forward.ts';
import { SimDataPlane } from '../../src/sim/dataplane.ts';
import { SimLinkWires } from '../../src/sim/link-wires.ts';
import { Simulation, scxId } from '../../src/sim/simulation.ts';
import type { ServiceModuleFactory } from '../../src/transport/service-module.ts';
import { testSeed } from '../support/seed.ts';

/** 1 Mbit/s, bytes/s. */
const MBIT = 125_000;

/**
 * Three SCXs 10 ms apart, every link 1 Mbit/s; SCX 0 sends `payload`-byte packets at `perSecond` from 2 s to 12 s
 * (sessions of `factories`, one plane each on the same wires). Runs to 20 s.
 */
function run(seed: number, factories: ServiceModuleFactory[], perSecond: number, payload: number): SimDataPlane[] {
  const latencyMs = (): number => 10;
  const planes: SimDataPlane[] = [];
  const sim = new Simulation({ scxCount: 3, latencyMs, rendezvous: [0], seed, onEvent: (i, ev, now) => planes.forEach((p) => p.onEvent(i, ev, now)) });
  const wires = new SimLinkWires(sim, () => MBIT);
  factories.forEach((factory, k) =>
    planes.push(new SimDataPlane(sim, { factory, channel: k + 1, sessionId: new Uint8Array(16), latencyMs, wires })),
  );
  for (let i = 0; i < 3; i++) sim.join(i, i * 100, i === 0);
  for (let t = 2000; t < 12_000; t += 1000 / perSecond) sim.at(Math.round(t * 1000) / 1000, () => planes.forEach((p) => p.send(0, new Uint8Array(payload))));
  sim.runUntil(20_000);
  return planes;
}

describe('simulated links with a capacity', () => {
  it('carry a source below their rate whole, with the delay of the path', (t) => {
    const [plane] = run(testSeed(t, 5), [forwardTcp], 50, 1000);
    const p = plane as SimDataPlane;
    for (const i of [1, 2]) assert.equal(p.delivered[i]?.length, 500, `SCX ${i} got ${p.delivered[i]?.length} of 500`);
    assert.equal(p.runtime(0).stats.drops['queue-full'] ?? 0, 0);
  });

  it('queue what a faster source sends and drain it at the link rate, which the channel measures', (t) => {
    // 2 Mbit/s offered on 1 Mbit/s links, 4 MiB queues: the link runs flat out and the queue grows.
    const [plane] = run(testSeed(t, 5), [forwardTcp], 250, 1000);
    const p = plane as SimDataPlane;
    const got = p.delivered[1]?.length ?? 0;
    // The wire's rate over 18 s of sending bounds what arrives, headers included (~1050 B a packet).
    const wireBound = (18 * MBIT) / 1000;
    assert.ok(got > 0.8 * wireBound && got <= wireBound, `SCX 1 got ${got} packets, the wire carries at most ${wireBound.toFixed(0)}`);
    // Whichever neighbour SCX 0 sends down, the channel measured that link draining at its rate.
    const rates = [1, 2].map((j) => p.runtime(0).linkRate(scxId(j))).filter((r) => r !== undefined);
    assert.ok(rates.length > 0, 'no drain rate measured');
    for (const r of rates) assert.ok(Math.abs((r as number) - MBIT) / MBIT < 0.1, `drain rate ${r} B/s, the link's is ${MBIT}`);
  });

  it('share a link between two channels of equal weight', (t) => {
    const planes = run(testSeed(t, 5), [forwardTcp, forwardTcp], 250, 1000);
    const [a, b] = planes.map((p) => p.delivered[1]?.length ?? 0);
    assert.ok(a !== undefined && b !== undefined && Math.abs(a - b) / (a + b) < 0.02, `${a} vs ${b}`);
  });
});
