import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, ScError } from '../../../src/core/errors.ts';
import { nodeConfig, nodeConfigJson } from '../../../src/daemon/node-config.ts';
import { mountSessionName, radioConfig, radioConfigJson } from '../../../src/apps/musicast/radio-config.ts';

const good = { listen: '127.0.0.1:8000', station: 'station', mounts: [{ mount: '/live', password: 'pw', name: 'Test', bitrate: 128 }] };

function refused(raw: object, key: RegExp): void {
  assert.throws(
    () => radioConfig(raw as never, '/'),
    (err: unknown) => err instanceof ScError && err.code === ErrorCode.CONFIG_INVALID && key.test(err.message),
  );
}

describe('the radio config', () => {
  it('fills the defaults, Icecast\'s where Icecast has one', () => {
    const c = radioConfig(good, '/etc/sc')!;
    assert.equal(c.burstBytes, 65535);
    assert.equal(c.queueBytes, 524288);
    assert.equal(c.metaint, 16000);
    assert.equal(c.mounts[0]!.user, 'source');
    assert.equal(c.mounts[0]!.priority, 1);
    assert.equal(c.stallMs, 1000);
    assert.equal(radioConfig({ ...good, fallback: 'loop.mp3' }, '/etc/sc')!.fallback, '/etc/sc/loop.mp3');
    assert.equal(mountSessionName('station', '/live'), 'scast://station/live');
  });

  it('refuses what would not work, naming the key', () => {
    refused({ ...good, listen: undefined }, /radio\.listen/);
    refused({ ...good, mounts: [] }, /radio\.mounts/);
    refused({ ...good, mounts: [{ ...good.mounts[0], mount: 'live' }] }, /mounts\[0\]\.mount/);
    refused({ ...good, mounts: [{ ...good.mounts[0], mount: '/admin/x' }] }, /mounts\[0\]\.mount/);
    refused({ ...good, mounts: [{ ...good.mounts[0], mount: '/a.sdp' }] }, /mounts\[0\]\.mount/);
    refused({ ...good, mounts: [{ ...good.mounts[0], password: '' }] }, /password/);
    refused({ ...good, mounts: [{ ...good.mounts[0], bitrate: 100 }] }, /bitrate/);
    refused({ ...good, mounts: [{ ...good.mounts[0], priority: 0 }] }, /priority/);
    refused({ ...good, mounts: [good.mounts[0], good.mounts[0]] }, /twice/);
    refused({ ...good, station: 'a b' }, /station/);
    refused({ ...good, rendezvous: ['nowhere'] }, /rendezvous\[0\]/);
    refused({ ...good, members: ['ftp://x'] }, /members\[0\]/);
    refused({ ...good, multicast: { interface: '10.0.0.1', port: 5005 } }, /even/);
    refused({ ...good, queueBytes: 10 }, /queueBytes/);
  });

  it('round-trips through the node config file', () => {
    const config = nodeConfig({ listen: '127.0.0.1:7400', trust: { insecure: true }, radio: { ...good, members: ['http://10.0.0.2:8000'] } }, '/');
    const again = nodeConfig(nodeConfigJson(config), '/');
    assert.deepEqual(again.radio, config.radio);
    assert.deepEqual(radioConfigJson(config.radio!).mounts, [{ mount: '/live', user: 'source', password: 'pw', name: 'Test', bitrate: 128, priority: 1 }]);
  });

  it('refuses unknown keys in the section', () => {
    assert.throws(() => nodeConfig({ listen: '127.0.0.1:7400', radio: { ...good, burst: 1 } } as never, '/'), (err: unknown) => err instanceof ScError && /radio\.burst/.test(err.message));
  });
});
