import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/core/errors.ts';
import { components, isConnected, largestComponent, UnderlayBuilder, type Underlay } from '../../../src/sim/topology/graph.ts';

/** Checks the CSR arrays against linkEnds: every link appears once from each end. */
function assertCsrConsistent(g: Underlay): void {
  assert.equal(g.offsets.length, g.nodeCount + 1);
  assert.equal(g.offsets[0], 0);
  assert.equal(g.offsets[g.nodeCount], 2 * g.linkCount);
  assert.equal(g.linkEnds.length, 2 * g.linkCount);
  const seen = new Int32Array(g.linkCount);
  for (let v = 0; v < g.nodeCount; v++) {
    for (let arc = g.offsets[v]!; arc < g.offsets[v + 1]!; arc++) {
      const l = g.arcLink[arc]!;
      const a = g.linkEnds[2 * l]!;
      const b = g.linkEnds[2 * l + 1]!;
      assert.ok(a < b);
      assert.ok((a === v && b === g.targets[arc]) || (b === v && a === g.targets[arc]));
      seen[l]!++;
    }
  }
  assert.ok(seen.every((c) => c === 2));
}

describe('UnderlayBuilder', () => {
  it('ignores self loops and keeps the smaller latency of duplicate pairs', () => {
    const b = new UnderlayBuilder('t', 4);
    b.addLink(0, 1, 5);
    b.addLink(2, 2, 1);
    b.addLink(1, 0, 3);
    b.addLink(1, 2, 7);
    b.addLink(2, 1, 9);
    b.addLink(3, 2, 1.5);
    const g = b.build(['a', 'b', 'c', 'd']);
    assert.equal(g.name, 't');
    assert.equal(g.nodeCount, 4);
    assert.equal(g.linkCount, 3);
    assert.deepEqual(Array.from(g.linkEnds), [0, 1, 1, 2, 2, 3]);
    assert.deepEqual(Array.from(g.linkLatencyMs), [3, 7, 1.5]);
    assert.deepEqual(g.labels, ['a', 'b', 'c', 'd']);
    assertCsrConsistent(g);
    assert.ok(Object.isFrozen(g));
  });

  it('rejects bad node ids, latencies and label counts', () => {
    const b = new UnderlayBuilder('t', 3);
    assert.throws(() => b.addLink(0, 3, 1), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => b.addLink(-1, 0, 1), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => b.addLink(0, 1, -1), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => b.addLink(0, 1, NaN), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => b.build(['x']), { code: ErrorCode.TOPOLOGY_INVALID });
  });

  it('builds empty and isolated-node graphs', () => {
    const g = new UnderlayBuilder('empty', 0).build();
    assert.equal(g.linkCount, 0);
    assert.ok(isConnected(g));
    const h = new UnderlayBuilder('iso', 2).build();
    assert.equal(isConnected(h), false);
    assertCsrConsistent(h);
  });
});

describe('components', () => {
  const b = new UnderlayBuilder('parts', 7);
  b.addLink(0, 1, 1);
  b.addLink(2, 3, 1);
  b.addLink(3, 4, 2);
  b.addLink(4, 2, 3);
  b.addLink(5, 6, 1);
  const g = b.build(['a', 'b', 'c', 'd', 'e', 'f', 'g']);

  it('labels components in order of their smallest node', () => {
    const { component, count } = components(g);
    assert.equal(count, 3);
    assert.deepEqual(Array.from(component), [0, 0, 1, 1, 1, 2, 2]);
    assert.equal(isConnected(g), false);
  });

  it('keeps the largest component, renumbered in old-id order', () => {
    const { underlay, kept } = largestComponent(g);
    assert.deepEqual(kept, [2, 3, 4]);
    assert.equal(underlay.nodeCount, 3);
    assert.equal(underlay.linkCount, 3);
    assert.deepEqual(underlay.labels, ['c', 'd', 'e']);
    assert.deepEqual(Array.from(underlay.linkLatencyMs), [1, 2, 3]);
    assert.ok(isConnected(underlay));
    assertCsrConsistent(underlay);
  });

  it('returns a connected graph unchanged', () => {
    const c = new UnderlayBuilder('c', 2);
    c.addLink(0, 1, 1);
    const g2 = c.build();
    const { underlay, kept } = largestComponent(g2);
    assert.equal(underlay, g2);
    assert.deepEqual(kept, [0, 1]);
  });
});
