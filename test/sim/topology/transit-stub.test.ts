import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/core/random.ts';
import { meanShortestPathMs } from '../../../src/sim/topology/dijkstra.ts';
import { isConnected } from '../../../src/sim/topology/graph.ts';
import {
  transitStub,
  transitStubGrid,
  transitStubParamsFor,
  transitStubRouterCount,
} from '../../../src/sim/topology/transit-stub.ts';

describe('transitStubParamsFor', () => {
  it("gives the paper's 1000-router setting and grid", () => {
    const p = transitStubParamsFor(1000);
    assert.deepEqual(p, {
      transitDomains: 4,
      routersPerTransit: 10,
      stubsPerTransitRouter: 3,
      routersPerStub: 8,
      topAlpha: 1,
      transitAlpha: 0.5,
      stubAlpha: 0.5,
    });
    assert.deepEqual(transitStubGrid(p), { gridSize: 283, transitSquare: 142, stubSquare: 59 });
  });

  it('hits the requested count exactly when the formula allows, else the nearest', () => {
    for (const n of [100, 200, 500, 2000, 5000, 10000]) assert.equal(transitStubRouterCount(transitStubParamsFor(n)), n);
    for (const n of [997, 1010, 7]) {
      const got = transitStubRouterCount(transitStubParamsFor(n));
      assert.ok(Math.abs(got - n) <= 3, `${n} -> ${got}`);
    }
  });

  it('scales T and Nt together and keeps the top level sparse', () => {
    const p = transitStubParamsFor(10000);
    assert.equal(p.stubsPerTransitRouter, 3);
    assert.equal(p.routersPerStub, 8);
    assert.ok(p.transitDomains > 4 && p.routersPerTransit > 10);
    assert.ok(p.topAlpha * (p.transitDomains - 1) <= 3 + 1e-9);
  });
});

describe('transitStub', () => {
  const params = transitStubParamsFor(1000);

  it('is deterministic for a seed', () => {
    const a = transitStub(params, new Random(11));
    const b = transitStub(params, new Random(11));
    assert.deepEqual(a, b);
    const c = transitStub(params, new Random(12));
    assert.notDeepEqual(Array.from(a.linkEnds), Array.from(c.linkEnds));
  });

  it('makes connected 1000-router graphs with paper-like size and path lengths', (t) => {
    for (const seed of [1, 2, 3]) {
      const g = transitStub(params, new Random(seed));
      assert.equal(g.name, 'transit-stub(1000)');
      assert.equal(g.nodeCount, 1000);
      assert.ok(isConnected(g));
      assert.ok(g.linkCount >= 1900 && g.linkCount <= 2250, `links ${g.linkCount}`);
      const mean = meanShortestPathMs(g);
      assert.ok(mean >= 200 && mean <= 500, `mean shortest path ${mean}`);
      assert.ok(g.linkLatencyMs.every((ms) => ms >= 1 && Number.isInteger(ms)));
      t.diagnostic(`seed ${seed}: ${g.linkCount} links, mean shortest path ${mean.toFixed(1)} ms`);
    }
  });

  it('numbers transit routers first and gives each stub one link to its transit router', () => {
    const g = transitStub(params, new Random(5));
    const labels = g.labels!;
    assert.equal(labels.filter((l) => l.startsWith('T')).length, 40);
    assert.ok(labels.slice(0, 40).every((l) => l.startsWith('T')));
    const stubOf = (label: string): string => label.split('.').slice(0, 3).join('.');
    const attach = new Map<string, number>();
    for (let l = 0; l < g.linkCount; l++) {
      const a = labels[g.linkEnds[2 * l]!]!;
      const b = labels[g.linkEnds[2 * l + 1]!]!;
      if (a.startsWith('T') && b.startsWith('S')) {
        assert.equal(`T${b.slice(1).split('.').slice(0, 2).join('.')}`, a);
        attach.set(stubOf(b), (attach.get(stubOf(b)) ?? 0) + 1);
      } else if (a.startsWith('S') && b.startsWith('S')) {
        assert.equal(stubOf(a), stubOf(b), 'no stub-stub links between stubs');
      }
    }
    assert.equal(attach.size, 120);
    assert.ok([...attach.values()].every((c) => c === 1));
  });

  it('builds a 10000-router graph quickly', () => {
    const g = transitStub(transitStubParamsFor(10000), new Random(1));
    assert.equal(g.nodeCount, 10000);
    assert.ok(isConnected(g));
  });
});
