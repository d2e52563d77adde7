import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeConfig, nodeConfigJson } from '../../src/daemon/node-config.ts';

const base = { listen: '127.0.0.1:7400', trust: { insecure: true } };

describe('the uplinks config section', () => {
  it('takes rates per peer and weights per session, and prints them back', () => {
    const uplinks = { rateKbps: 10_000, peers: [{ peer: '10.0.0.2:7400', rateKbps: 2000 }], sessions: [{ session: 'scast://alice/radio', weight: 2 }] };
    const c = nodeConfig({ ...base, uplinks }, '/');
    assert.deepEqual(c.uplinks, uplinks);
    assert.deepEqual(nodeConfig(nodeConfigJson(c), '/').uplinks, uplinks);
    assert.equal(nodeConfig(base, '/').uplinks, undefined);
  });

  for (const [what, uplinks, message] of [
    ['a rate below 8 kbit/s', { rateKbps: 1 }, /uplinks.rateKbps/],
    ['a peer that is no node address', { peers: [{ peer: 'nowhere', rateKbps: 100 }] }, /uplinks.peers\[0\].peer/],
    ['a peer listed twice', { peers: [{ peer: '10.0.0.2:7400', rateKbps: 100 }, { peer: '10.0.0.2:7400', rateKbps: 200 }] }, /twice/],
    ['a bad session name', { sessions: [{ session: 'http://x/y', weight: 1 }] }, /uplinks.sessions\[0\].session/],
    ['a zero weight', { sessions: [{ session: 'scast://a/b', weight: 0 }] }, /uplinks.sessions\[0\].weight/],
  ] as const) {
    it(`refuses ${what} with ERR_CONFIG_INVALID naming the key`, () => {
      assert.throws(() => nodeConfig({ ...base, uplinks }, '/'), { code: 'ERR_CONFIG_INVALID', message });
    });
  }

  it('refuses an unknown key with ERR_CONFIG_UNKNOWN_KEY', () => {
    assert.throws(() => nodeConfig({ ...base, uplinks: { rate: 5 } }, '/'), { code: 'ERR_CONFIG_UNKNOWN_KEY' });
  });
});
