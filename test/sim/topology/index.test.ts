import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../../src/core/errors.ts';
import { Random } from '../../../src/core/random.ts';
import { isConnected, loadUnderlay } from '../../../src/sim/topology/index.ts';

describe('loadUnderlay', () => {
  it('generates transit-stub and waxman graphs of the requested size', () => {
    const ts = loadUnderlay('transit-stub', { routers: 1000, rng: new Random(1) });
    assert.equal(ts.name, 'transit-stub(1000)');
    assert.equal(ts.nodeCount, 1000);
    const wx = loadUnderlay('waxman', { routers: 150, rng: new Random(1) });
    assert.equal(wx.nodeCount, 150);
    assert.ok(isConnected(ts) && isConnected(wx));
  });

  it('loads a .graphml path', () => {
    const path = fileURLToPath(new URL('../../../topologies/Geant2012.graphml', import.meta.url));
    const g = loadUnderlay(path, { routers: 1000, rng: new Random(1) });
    assert.equal(g.name, 'Geant2012');
    assert.equal(g.nodeCount, 37);
  });

  it('rejects unknown specs and missing files', () => {
    assert.throws(() => loadUnderlay('mesh', { routers: 10, rng: new Random(1) }), { code: ErrorCode.CONFIG_INVALID });
    assert.throws(() => loadUnderlay('/no/such/file.graphml', { routers: 10, rng: new Random(1) }), {
      code: ErrorCode.TOPOLOGY_READ,
    });
  });
});
