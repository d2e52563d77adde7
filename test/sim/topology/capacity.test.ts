import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/core/random.ts';
import { overlayCapacities, placeScxs } from '../../../src/sim/placement.ts';
import { DEFAULT_CAPACITIES, linkCapacities } from '../../../src/sim/topology/capacity.ts';
import { pathLinks, shortestPaths } from '../../../src/sim/topology/dijkstra.ts';
import { UnderlayBuilder } from '../../../src/sim/topology/graph.ts';
import { loadUnderlay } from '../../../src/sim/topology/index.ts';
import { testSeed } from '../../support/seed.ts';

describe('underlay link capacities', () => {
  it('follow the roles of a transit-stub graph: transit, uplink and stub links', (t) => {
    const u = loadUnderlay('transit-stub', { routers: 200, rng: new Random(testSeed(t, 3)) });
    const caps = linkCapacities(u);
    const seen = new Set(caps);
    assert.deepEqual([...seen].sort((a, b) => a - b), [DEFAULT_CAPACITIES.stubBps, DEFAULT_CAPACITIES.uplinkBps, DEFAULT_CAPACITIES.transitBps]);
    for (let l = 0; l < u.linkCount; l++) {
      const [a, b] = [u.labels?.[u.linkEnds[2 * l] as number], u.labels?.[u.linkEnds[2 * l + 1] as number]];
      if (a?.startsWith('T') && b?.startsWith('T')) assert.equal(caps[l], DEFAULT_CAPACITIES.transitBps);
      if (a?.startsWith('S') && b?.startsWith('S')) assert.equal(caps[l], DEFAULT_CAPACITIES.stubBps);
    }
  });

  it('give an SCX pair the narrowest link on its path, access links included, and honour pins', () => {
    // A line 0 - 1 - 2 - 3, a graph without roles: every link gets the stub capacity, one is narrowed by hand.
    const b = new UnderlayBuilder('line', 4);
    for (let v = 0; v < 3; v++) b.addLink(v, v + 1, 5);
    const u = b.build();
    const caps = linkCapacities(u);
    caps[1] = 20e6;
    const placement = placeScxs(u, { scx: 4, sources: 1, rendezvous: 1, joinWindowMs: 0 }, new Random(1));
    const bps = overlayCapacities(u, placement, { linkBps: caps, accessBps: [50e6, 1e9, 1e9, 1e9], pins: [{ i: 2, j: 3, bps: 1e6 }] });
    const router = (i: number): number => placement.routerOf[i] as number;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const onPath = pathLinks(shortestPaths(u, router(i)), router(j)).map((l) => caps[l] as number);
        let want = Math.min(i === 0 || j === 0 ? 50e6 : 1e9, ...onPath);
        if ((i === 2 && j === 3) || (i === 3 && j === 2)) want = Math.min(want, 1e6);
        assert.equal(bps[i * 4 + j], want, `pair ${i}-${j}`);
      }
    }
    assert.throws(() => overlayCapacities(u, placement, { linkBps: caps, accessBps: 1e9, pins: [{ i: 0, j: 0, bps: 1 }] }), { code: 'ERR_USAGE' });
  });
});
