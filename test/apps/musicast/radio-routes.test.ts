import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { memberFor } from '../../../src/apps/musicast/radio-routes.ts';
import { nodeConfig } from '../../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../../src/daemon/run-node.ts';
import { freePort } from '../../../src/net/free-port.ts';

describe('the radio port as a cluster frontend', () => {
  const members = ['http://127.0.0.2:8000', 'http://127.0.0.3:8000', 'http://127.0.0.4:8000'];

  it('sends each player to one member, always the same, and spreads players evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const player = `10.${(i >> 8) & 255}.${i & 255}.7`;
      const m = memberFor(members, 'http://127.0.0.1:8000', player)!;
      assert.equal(memberFor(members, 'http://127.0.0.1:8000', player), m);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    for (const m of members) assert.ok(Math.abs((counts.get(m) ?? 0) - 1000) < 150, `${m}: ${counts.get(m)} of 3000`);
    assert.equal(memberFor([...members, 'http://127.0.0.1:8000'], 'http://127.0.0.1:8000', '10.0.0.9') === undefined, memberFor([...members, 'http://127.0.0.1:8000'], 'x', '10.0.0.9') === 'http://127.0.0.1:8000', 'undefined exactly when this node is the one');
  });

  let node: RunningNode;
  let url = '';
  before(async () => {
    const radioPort = await freePort();
    url = `http://127.0.0.1:${radioPort}`;
    node = await runNode(
      nodeConfig(
        {
          listen: `127.0.0.1:${await freePort()}`,
          trust: { insecure: true },
          logLevel: 'error',
          radio: { listen: `127.0.0.1:${radioPort}`, station: 'routes.test', members, mounts: [{ mount: '/live', password: 'pw', name: 'Routes', bitrate: 128 }] },
        },
        '/',
      ),
    );
  });
  after(() => node.stop());

  it('answers a player with a 302 to its member, keeping the query', async () => {
    const res = await fetch(`${url}/live?x=1`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${memberFor(members, url, '127.0.0.1')}/live?x=1`);
  });

  it('answers what is not a mount plainly: 404 naming the mounts, 405 for other methods, no SDP without multicast', async () => {
    const missing = await fetch(`${url}/nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /mounts: \/live/);
    assert.equal((await fetch(`${url}/live`, { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await fetch(`${url}/live.sdp`)).status, 404);
    const status = (await (await fetch(`${url}/status-json.xsl`)).json()) as { icestats: { source: { listenurl: string; server_name: string } } };
    assert.equal(status.icestats.source.server_name, 'Routes');
    assert.equal(status.icestats.source.listenurl, `${url}/live`);
  });
});
