import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Random } from '../../../src/core/random.ts';
import { meanShortestPathMs, pathLinks, pathNodes, shortestPaths } from '../../../src/sim/topology/dijkstra.ts';
import { UnderlayBuilder, type Underlay } from '../../../src/sim/topology/graph.ts';
import { IndexedMinHeap } from '../../../src/sim/topology/min-heap.ts';
import { transitStub, transitStubParamsFor } from '../../../src/sim/topology/transit-stub.ts';
import { testSeed } from '../../support/seed.ts';

type Edge = [number, number, number];

function bellmanFord(n: number, edges: readonly Edge[], source: number): number[] {
  const dist = new Array<number>(n).fill(Infinity);
  dist[source] = 0;
  for (let round = 0; round < n; round++) {
    for (const [a, b, w] of edges) {
      if (dist[a]! + w < dist[b]!) dist[b] = dist[a]! + w;
      if (dist[b]! + w < dist[a]!) dist[a] = dist[b]! + w;
    }
  }
  return dist;
}

function build(n: number, edges: readonly Edge[]): Underlay {
  const b = new UnderlayBuilder('random', n);
  for (const [a, c, w] of edges) b.addLink(a, c, w);
  return b.build();
}

/** Every reached node's predecessor link leads from its predecessor node and accounts for its distance. */
function assertTreeConsistent(g: Underlay, source: number, tolerance: number): void {
  const sp = shortestPaths(g, source);
  for (let v = 0; v < g.nodeCount; v++) {
    if (v === source || sp.distMs[v] === Infinity) {
      assert.equal(sp.predLink[v], -1);
      assert.equal(sp.predNode[v], -1);
      continue;
    }
    const l = sp.predLink[v]!;
    const u = sp.predNode[v]!;
    const ends = [g.linkEnds[2 * l], g.linkEnds[2 * l + 1]].sort();
    assert.deepEqual(ends, [u, v].sort());
    assert.ok(Math.abs(sp.distMs[u]! + g.linkLatencyMs[l]! - sp.distMs[v]!) <= tolerance);
    const links = pathLinks(sp, v);
    const nodes = pathNodes(sp, v);
    assert.equal(nodes.length, links.length + 1);
    assert.equal(nodes[0], source);
    assert.equal(nodes.at(-1), v);
    const total = links.reduce((sum, id) => sum + g.linkLatencyMs[id]!, 0);
    assert.ok(Math.abs(total - sp.distMs[v]!) <= tolerance);
  }
}

const graphArb = (weight: fc.Arbitrary<number>) =>
  fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), weight), { maxLength: 40 }),
      source: fc.nat(n - 1),
    }),
  );

describe('shortestPaths', () => {
  it('matches Bellman-Ford on small random graphs (integer latencies, zeros included)', (t) => {
    const seed = testSeed(t, 1);
    fc.assert(
      fc.property(graphArb(fc.integer({ min: 0, max: 20 })), ({ n, edges, source }) => {
        const g = build(n, edges as Edge[]);
        assert.deepEqual(Array.from(shortestPaths(g, source).distMs), bellmanFord(n, edges as Edge[], source));
        assertTreeConsistent(g, source, 0);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('matches Bellman-Ford on small random graphs (fractional latencies)', (t) => {
    const seed = testSeed(t, 2);
    const latency = fc.double({ min: 0.01, max: 100, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(graphArb(latency), ({ n, edges, source }) => {
        const g = build(n, edges as Edge[]);
        const expected = bellmanFord(n, edges as Edge[], source);
        const got = shortestPaths(g, source).distMs;
        expected.forEach((d, v) => {
          if (d === Infinity) assert.equal(got[v], Infinity);
          else assert.ok(Math.abs(got[v]! - d) <= 1e-9 * Math.max(1, d), `node ${v}: ${got[v]} vs ${d}`);
        });
        assertTreeConsistent(g, source, 1e-9 * 1e4);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('breaks ties towards the smaller predecessor id, whatever the link order', () => {
    // Paths 0-2-3 (1 + 2) and 0-1-3 (2 + 1) are equally long; 2 settles first, yet 3's predecessor must be 1.
    const links: Edge[] = [
      [0, 2, 1],
      [2, 3, 2],
      [0, 1, 2],
      [1, 3, 1],
    ];
    for (const order of [links, [...links].reverse()]) {
      const b = new UnderlayBuilder('square', 4);
      for (const [a, c, w] of order) b.addLink(a, c, w);
      const sp = shortestPaths(b.build(), 0);
      assert.equal(sp.predNode[3], 1);
      assert.deepEqual(pathNodes(sp, 3), [0, 1, 3]);
    }
  });

  it('reports unreachable nodes and rejects bad ids', () => {
    const b = new UnderlayBuilder('split', 3);
    b.addLink(0, 1, 2);
    const sp = shortestPaths(b.build(), 0);
    assert.equal(sp.distMs[2], Infinity);
    assert.deepEqual(pathLinks(sp, 0), []);
    assert.deepEqual(pathLinks(sp, 1), [0]);
    assert.throws(() => pathLinks(sp, 2), RangeError);
    assert.throws(() => pathLinks(sp, 3), RangeError);
    assert.throws(() => shortestPaths(b.build(), 5), RangeError);
  });

  it('averages over reachable ordered pairs', () => {
    const b = new UnderlayBuilder('line', 3);
    b.addLink(0, 1, 1);
    b.addLink(1, 2, 2);
    assert.equal(meanShortestPathMs(b.build()), (1 + 3 + 2) / 3);
    assert.ok(Number.isNaN(meanShortestPathMs(new UnderlayBuilder('one', 1).build())));
  });

  // Counted work, not wall time (the time of the same 100 sources is in `npm run bench:sim`).
  it('does linear heap work from each of 100 sources on a 1000-router transit-stub graph', (t) => {
    const g = transitStub(transitStubParamsFor(1000), new Random(42));
    const arcs = g.targets.length;
    const proto = IndexedMinHeap.prototype;
    const { pop, pushOrDecrease } = proto;
    let pops = 0;
    let pushes = 0;
    proto.pop = function (this: IndexedMinHeap) {
      pops++;
      return pop.call(this);
    };
    proto.pushOrDecrease = function (this: IndexedMinHeap, item: number, key: number) {
      pushes++;
      pushOrDecrease.call(this, item, key);
    };
    let maxPushes = 0;
    try {
      for (let s = 0; s < 100; s++) {
        [pops, pushes] = [0, 0];
        const sp = shortestPaths(g, s * 10);
        const reached = sp.distMs.filter((d) => d !== Infinity).length;
        // Every reached router settles exactly once; every arc is relaxed at most once, when its tail settles.
        assert.equal(pops, reached, `source ${s * 10}`);
        assert.ok(pushes <= arcs + 1, `source ${s * 10}: ${pushes} pushes for ${arcs} arcs`);
        maxPushes = Math.max(maxPushes, pushes);
      }
    } finally {
      Object.assign(proto, { pop, pushOrDecrease });
    }
    t.diagnostic(`${g.nodeCount} routers, ${arcs} arcs: at most ${maxPushes} pushes from one source`);
  });
});

describe('IndexedMinHeap', () => {
  it('pops in (key, id) order with decreases', (t) => {
    const seed = testSeed(t, 3);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 0, max: 10 })), { maxLength: 80 }), (ops) => {
        const heap = new IndexedMinHeap(31);
        const best = new Map<number, number>();
        for (const [item, key] of ops) {
          heap.pushOrDecrease(item, key);
          best.set(item, Math.min(key, best.get(item) ?? Infinity));
        }
        const expected = [...best].sort((x, y) => x[1] - y[1] || x[0] - y[0]).map(([item]) => item);
        assert.equal(heap.size, expected.length);
        const got: number[] = [];
        while (heap.size > 0) got.push(heap.pop());
        assert.deepEqual(got, expected);
        assert.equal(heap.pop(), -1);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('clears', () => {
    const heap = new IndexedMinHeap(4);
    heap.pushOrDecrease(2, 1);
    heap.pushOrDecrease(3, 0);
    heap.clear();
    assert.equal(heap.size, 0);
    assert.equal(heap.has(2), false);
    heap.pushOrDecrease(2, 5);
    assert.equal(heap.pop(), 2);
  });
});
