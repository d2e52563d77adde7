import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/core/errors.ts';
import { Random } from '../../../src/core/random.ts';
import { flatRandomGraph, gridLengthMs, type FlatGraph } from '../../../src/sim/topology/flat.ts';
import { isConnected, UnderlayBuilder } from '../../../src/sim/topology/graph.ts';

function connected(flat: FlatGraph): boolean {
  const b = new UnderlayBuilder('flat', flat.x.length);
  for (const l of flat.links) b.addLink(l.a, l.b, l.lengthMs);
  return isConnected(b.build());
}

describe('flatRandomGraph', () => {
  it('places routers at distinct points of the offset grid, connected, with rounded-distance latencies', () => {
    const rng = new Random(1);
    for (let i = 0; i < 20; i++) {
      const flat = flatRandomGraph(
        { nodes: 12, scale: 20, originX: 100, originY: 50, rule: { kind: 'pure-random', alpha: 0.4 } },
        rng,
      );
      const cells = new Set<string>();
      for (let v = 0; v < 12; v++) {
        assert.ok(flat.x[v]! >= 100 && flat.x[v]! < 120);
        assert.ok(flat.y[v]! >= 50 && flat.y[v]! < 70);
        cells.add(`${flat.x[v]},${flat.y[v]}`);
      }
      assert.equal(cells.size, 12);
      assert.ok(connected(flat));
      for (const l of flat.links) {
        assert.ok(l.a < l.b);
        assert.equal(l.lengthMs, gridLengthMs(flat.x[l.a]!, flat.y[l.a]!, flat.x[l.b]!, flat.y[l.b]!));
        assert.ok(l.lengthMs >= 1);
      }
    }
  });

  it('links every pair when alpha is 1, and fills a grid exactly', () => {
    const flat = flatRandomGraph({ nodes: 9, scale: 3, rule: { kind: 'pure-random', alpha: 1 } }, new Random(2));
    assert.equal(flat.links.length, 36);
    assert.equal(new Set(Array.from(flat.x, (x, i) => x * 3 + flat.y[i]!)).size, 9);
  });

  it('rounds latency to the nearest unit with a 1 ms floor', () => {
    assert.equal(gridLengthMs(0, 0, 0, 0), 1);
    assert.equal(gridLengthMs(0, 0, 3, 4), 5);
    assert.equal(gridLengthMs(0, 0, 1, 1), 1);
    assert.equal(gridLengthMs(0, 0, 2, 2), 3);
  });

  it('is deterministic for a seed', () => {
    const p = { nodes: 30, scale: 100, rule: { kind: 'waxman', alpha: 0.5, beta: 0.3 } } as const;
    assert.deepEqual(flatRandomGraph(p, new Random(9)), flatRandomGraph(p, new Random(9)));
  });

  it('bridges a sparse Waxman draw into one component', () => {
    const flat = flatRandomGraph(
      { nodes: 200, scale: 120, rule: { kind: 'waxman', alpha: 0.02, beta: 0.2 }, connect: 'bridge' },
      new Random(3),
    );
    assert.ok(connected(flat));
  });

  it('gives up with TOPOLOGY_INVALID when no draw is connected', () => {
    assert.throws(
      () => flatRandomGraph({ nodes: 5, scale: 10, rule: { kind: 'pure-random', alpha: 0 }, maxAttempts: 20 }, new Random(4)),
      { code: ErrorCode.TOPOLOGY_INVALID },
    );
  });

  it('rejects impossible parameters', () => {
    const rule = { kind: 'pure-random', alpha: 0.5 } as const;
    assert.throws(() => flatRandomGraph({ nodes: 10, scale: 3, rule }, new Random(1)), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => flatRandomGraph({ nodes: 0, scale: 3, rule }, new Random(1)), { code: ErrorCode.TOPOLOGY_INVALID });
    assert.throws(() => flatRandomGraph({ nodes: 2, scale: 3, rule: { kind: 'pure-random', alpha: 2 } }, new Random(1)), {
      code: ErrorCode.TOPOLOGY_INVALID,
    });
  });
});
