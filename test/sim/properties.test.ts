import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Random } from '../../src/core/random.ts';
import { sourceTree } from '../../src/sim/metrics/tree.ts';
import { placeScxs } from '../../src/sim/placement.ts';
import { Simulation, scxId } from '../../src/sim/simulation.ts';
import { waxman } from '../../src/sim/topology/waxman.ts';
import { testSeed } from '../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 20261125;

interface Case {
  readonly seed: number;
  readonly routers: number;
  readonly scx: number;
  readonly sources: number;
  readonly k1: number;
  readonly extraK2: number;
}

const cases = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  routers: fc.integer({ min: 40, max: 120 }),
  scx: fc.integer({ min: 3, max: 24 }),
  sources: fc.integer({ min: 1, max: 3 }),
  k1: fc.integer({ min: 1, max: 3 }),
  extraK2: fc.integer({ min: 1, max: 3 }),
});

/** Runs one random session for 400 virtual seconds, checking the degree limits after every event. */
function run(c: Case): { sim: Simulation; sources: readonly number[] } {
  const rng = new Random(c.seed);
  const underlay = waxman({ routers: c.routers }, rng.fork());
  const placement = placeScxs(underlay, { scx: c.scx, sources: Math.min(c.sources, c.scx), rendezvous: 1, joinWindowMs: 5000 }, rng.fork());
  const k2 = c.k1 + c.extraK2;
  const sim = new Simulation({
    scxCount: c.scx,
    latencyMs: (i, j) => placement.latencyMs[i * c.scx + j] as number,
    rendezvous: placement.rendezvous,
    seed: rng.nextUint32(),
    config: { k1: c.k1, k2 },
  });
  for (let i = 0; i < c.scx; i++) sim.join(i, placement.joinAtMs[i] as number, placement.sources.includes(i));
  while (sim.now < 400000 && sim.step()) {
    for (const node of sim.nodes) {
      if (node.neighbours.out > c.k1 || node.neighbours.in > k2) {
        throw new Error(`${node.self} has <${node.neighbours.out},${node.neighbours.in}> edges, limit <${c.k1},${k2}>`);
      }
    }
  }
  return { sim, sources: placement.sources };
}

function meshConnected(sim: Simulation): boolean {
  const seen = new Set<string>(['s0']);
  const stack = ['s0'];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const peer of sim.nodes[sim.index(id) as number]?.neighbours.ids() ?? []) {
      if (!seen.has(peer)) {
        seen.add(peer);
        stack.push(peer);
      }
    }
  }
  return seen.size === sim.nodes.length;
}

describe('Gossamer properties over random small topologies and seeds', () => {
  it('degree limits, loop-free routes, complete membership, routes everywhere', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(cases, (c) => {
        const { sim, sources } = run(c);
        const all = sim.nodes.map((n) => n.self);
        for (const node of sim.nodes) {
          for (const id of all) if (id !== node.self) assert.ok(node.membership.has(id), `${node.self} does not know ${id}`);
        }
        for (const s of sources) {
          const source = scxId(s);
          for (const node of sim.nodes) {
            const route = node.route(source);
            if (route) assert.equal(new Set(route.path).size, route.path.length, `loop in ${route.path.join('>')}`);
          }
          const tree = sourceTree(sim.nodes, s, (id) => sim.index(id), () => true);
          if (meshConnected(sim)) {
            for (let i = 0; i < tree.length; i++) assert.notEqual(tree[i], -2, `s${i} has no working route to ${source}`);
          }
        }
        assert.ok(meshConnected(sim), 'the mesh is connected');
      }),
      { seed, numRuns: 12 },
    );
  });
});
