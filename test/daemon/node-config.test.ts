import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';

const base = { listen: '127.0.0.1:7401', admin: '127.0.0.1:8401' };
const members = [
  { scx: '127.0.0.1:7401', admin: '127.0.0.1:8401' },
  { scx: '127.0.0.1:7402', admin: '127.0.0.1:8402' },
];

describe('node config: the cluster field', () => {
  it('takes a name, members and a prober', () => {
    const c = nodeConfig({ ...base, cluster: { name: 'west', members, prober: '127.0.0.1:8401' } }, '/');
    assert.deepEqual(c.cluster, { name: 'west', members, prober: '127.0.0.1:8401' });
    assert.deepEqual(nodeConfig({ ...base, cluster: { name: 'solo' } }, '/').cluster, { name: 'solo', members: [] });
    assert.equal(nodeConfig(base, '/').cluster, undefined);
  });

  it('refuses malformed clusters with ERR_CONFIG_INVALID and a message naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['west', /"cluster" must be/],
      [{ members }, /cluster\.name/],
      [{ name: 'a b' }, /cluster\.name/],
      [{ name: 'w', members: 'x' }, /"cluster" must be/],
      [{ name: 'w', members: [{ scx: '127.0.0.1:1' }] }, /cluster\.members\[0\]/],
      [{ name: 'w', members: [{ scx: 'nowhere', admin: '127.0.0.1:1' }] }, /not an address/],
      [{ name: 'w', members: [members[0], members[0]] }, /twice/],
      [{ name: 'w', prober: 5 }, /cluster\.prober/],
      [{ name: 'w', probe: 'x' }, /unknown field "probe"/],
    ];
    for (const [cluster, message] of cases) {
      assert.throws(() => nodeConfig({ ...base, cluster }, '/'), (err: Error & { code?: string }) => err.code === 'ERR_CONFIG_INVALID' && message.test(err.message), JSON.stringify(cluster));
    }
  });
});
