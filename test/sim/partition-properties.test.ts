import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Random } from '../../src/core/random.ts';
import { gossamerConfig } from '../../src/gossamer/config.ts';
import { electionOrder } from '../../src/gossamer/liveness/election-order.ts';
import { sourceTree } from '../../src/sim/metrics/tree.ts';
import { placeScxs } from '../../src/sim/placement.ts';
import { Simulation, scxId } from '../../src/sim/simulation.ts';
import { waxman } from '../../src/sim/topology/waxman.ts';
import { testSeed } from '../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 20261207;
/** When the generator dies and the network is cut, ms: the mesh has long settled by then. */
const CUT_AT = 150000;
/** The longest any run is watched after the network heals, ms. */
const WATCH_MS = 120000;

interface Case {
  readonly seed: number;
  readonly routers: number;
  readonly scx: number;
  readonly rendezvous: number;
  readonly k1: number;
  /** Put every surviving rendezvous on one side of the cut (else the sides are drawn at random). */
  readonly orphanHalf: boolean;
  /** How long the cut lasts, ms. */
  readonly cutMs: number;
}

const cases = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  routers: fc.integer({ min: 40, max: 120 }),
  scx: fc.integer({ min: 6, max: 24 }),
  rendezvous: fc.integer({ min: 2, max: 3 }),
  k1: fc.integer({ min: 2, max: 3 }),
  orphanHalf: fc.boolean(),
  cutMs: fc.integer({ min: 20000, max: 180000 }),
});

/** Whether the mesh of the live SCXs is connected. */
function connected(sim: Simulation, alive: (i: number) => boolean): boolean {
  const live = sim.nodes.map((_, i) => i).filter(alive);
  const seen = new Set<number>([live[0] as number]);
  const stack = [live[0] as number];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    for (const peer of sim.nodes[i]?.neighbours.ids() ?? []) {
      const j = sim.index(peer) as number;
      if (alive(j) && !seen.has(j)) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return seen.size === live.length;
}

/**
 * One random session: the heartbeat generator (the first rendezvous in election order) crashes at CUT_AT as the
 * network is cut in two; the cut heals `cutMs` later. Returns how long after the heal the session was whole again
 * (one mesh, one generator followed by all, every live SCX on every live source's tree), or undefined if not
 * within WATCH_MS.
 */
function run(c: Case): number | undefined {
  const rng = new Random(c.seed);
  const underlay = waxman({ routers: c.routers }, rng.fork());
  const placement = placeScxs(underlay, { scx: c.scx, sources: 1, rendezvous: c.rendezvous, joinWindowMs: 5000 }, rng.fork());
  const sim = new Simulation({
    scxCount: c.scx,
    latencyMs: (i, j) => placement.latencyMs[i * c.scx + j] as number,
    rendezvous: placement.rendezvous,
    seed: rng.nextUint32(),
    config: { k1: c.k1, k2: c.k1 + 1 },
  });
  for (let i = 0; i < c.scx; i++) sim.join(i, placement.joinAtMs[i] as number, placement.sources.includes(i));
  const ids = placement.rendezvous.map(scxId);
  const generator = sim.index(electionOrder(ids)[0] as string) as number;
  const survivors = placement.rendezvous.filter((r) => r !== generator);
  // The sides: a random half of the SCXs; with orphanHalf, every surviving rendezvous moved to the other side.
  const order = rng.sample(
    Array.from({ length: c.scx }, (_, i) => i),
    c.scx,
  );
  let sideA = new Set(order.slice(0, Math.floor(c.scx / 2)));
  if (c.orphanHalf) sideA = new Set([...sideA].filter((i) => !survivors.includes(i)));
  const sideB = order.filter((i) => !sideA.has(i));
  const alive = (i: number): boolean => i !== generator;
  const healAt = CUT_AT + c.cutMs;
  sim.at(CUT_AT, () => {
    sim.faults.crash(generator);
    sim.faults.partition([[...sideA], sideB]);
  });
  sim.at(healAt, () => sim.faults.healPartition());
  sim.runUntil(healAt);
  const sources = placement.sources.filter(alive);
  const liveRendezvous = electionOrder(survivors.map(scxId));
  for (let t = healAt; t <= healAt + WATCH_MS; t += 250) {
    sim.runUntil(t);
    if (!connected(sim, alive)) continue;
    const leader = liveRendezvous[0];
    if (sim.nodes.some((n, i) => alive(i) && n.generator !== leader)) continue;
    const trees = sources.map((s) => sourceTree(sim.nodes, s, (id) => sim.index(id), alive));
    if (trees.some((tree) => tree.some((parent, i) => alive(i) && parent === -2))) continue;
    return t - healAt;
  }
  return undefined;
}

/**
 * What a run may take after the heal, ms. A half with no rendezvous left is cut off already and heals at once: a
 * CONNECT, then the next heartbeat or two (2 intervals + 2 s). With a surviving rendezvous on each side, each side
 * elected its own generator; the one that stands down when the two hear each other again leaves its side without a
 * heartbeat, which notices only after a heartbeat timeout, then heals after its damping (timeout + damping + 3
 * intervals, for the ping that tells it, the wait since its last beat, and the heartbeat after the heal, + 2 s).
 */
function bound(c: Case): number {
  const { heartbeatIntervalMs, heartbeatTimeoutMs, healDampingMs } = gossamerConfig();
  return c.orphanHalf ? 2 * heartbeatIntervalMs + 2000 : heartbeatTimeoutMs + healDampingMs + 3 * heartbeatIntervalMs + 2000;
}

describe('Gossamer heals a partition that outlives its heartbeat generator, over random small topologies', () => {
  it('one mesh, one generator, routes everywhere, soon after the heal', (t) => {
    const seed = testSeed(t, SEED);
    const times: string[] = [];
    fc.assert(
      fc.property(cases, (c) => {
        const healedIn = run(c);
        assert.ok(healedIn !== undefined && healedIn <= bound(c), `not whole ${bound(c)} ms after the heal (${healedIn} ms): ${JSON.stringify(c)}`);
        times.push(`${(healedIn / 1000).toFixed(2)}${c.orphanHalf ? '' : '*'}`);
      }),
      { seed, numRuns: 12 },
    );
    t.diagnostic(`whole again after the heal in (s; * a surviving rendezvous on each side): ${times.join(', ')}`);
  });
});
