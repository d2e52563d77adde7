import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/core/errors.ts';
import { Random } from '../../../src/core/random.ts';
import { isConnected } from '../../../src/sim/topology/graph.ts';
import { waxman, waxmanAlphaFor } from '../../../src/sim/topology/waxman.ts';

describe('waxman', () => {
  it('makes connected graphs of the requested size with mean degree 3-5', (t) => {
    for (const routers of [100, 300, 1000]) {
      const g = waxman({ routers }, new Random(routers));
      assert.equal(g.nodeCount, routers);
      assert.equal(g.name, `waxman(${routers})`);
      assert.ok(isConnected(g));
      const degree = (2 * g.linkCount) / routers;
      assert.ok(degree >= 3 && degree <= 5, `mean degree ${degree}`);
      assert.ok(g.linkLatencyMs.every((ms) => ms >= 1));
      t.diagnostic(`${routers} routers: mean degree ${degree.toFixed(2)}`);
    }
  });

  it('is deterministic for a seed', () => {
    assert.deepEqual(waxman({ routers: 200 }, new Random(3)), waxman({ routers: 200 }, new Random(3)));
  });

  it('honours explicit alpha, beta and scale', () => {
    const g = waxman({ routers: 50, alpha: 1, beta: 10, scale: 1000 }, new Random(1));
    assert.ok(g.linkCount > 1000); // nearly complete: 1225 pairs
    assert.ok(waxmanAlphaFor(100, 0.2, 4) > waxmanAlphaFor(1000, 0.2, 4));
  });

  it('rejects a bad router count', () => {
    assert.throws(() => waxman({ routers: 0 }, new Random(1)), { code: ErrorCode.TOPOLOGY_INVALID });
  });
});
