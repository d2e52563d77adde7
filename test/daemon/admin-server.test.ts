/**
 * The admin server on loopback: health, the cluster-internal `POST /v1/host` and `POST /v1/probe` with their
 * refusals (called with the cluster token; without it, test/security/cluster-api.test.ts), the dashboard's files (nothing outside its folder), and the WebSocket that pushes snapshots.
 */

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startAdminServer, type AdminServer } from '../../src/daemon/admin-server.ts';
import { createLogger } from '../../src/daemon/log.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { bearerHeader } from '../../src/net/bearer-token.ts';
import { freePort } from '../../src/net/free-port.ts';

/** The cluster token this admin server asks for. */
const TOKEN = 'admin-server-test-token';
const AUTH = bearerHeader(TOKEN);

const XML = (name: string, transport = 'tcp'): string =>
  `<SCATTERCAST name="scast://test.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="${transport}"/></CHANNEL><RENDEZVOUS>127.0.0.1:9</RENDEZVOUS></SCATTERCAST>`;

/** One GET with `path` sent as is on a fresh socket (no client-side normalisation), answered with status and body. */
async function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to GET ${path} in 5 s`)));
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1];
      if (status === undefined) return reject(new Error(`GET ${path}: no HTTP answer: ${JSON.stringify(text.slice(0, 80))}`));
      resolve({ status: Number(status), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('the admin server', () => {
  let node: ScxNode;
  let admin: AdminServer;
  let base = '';

  before(async () => {
    const port = await freePort();
    node = new ScxNode({ listen: { host: '127.0.0.1', port }, gossamer: {}, seed: 1, registry: builtinRegistry(), log: createLogger('error', {}) });
    await node.start();
    const at = { host: '127.0.0.1', port: await freePort() };
    const client = new AdminClient({ token: TOKEN, ca: undefined });
    admin = await startAdminServer(node, at, {
      cluster: 'lab',
      snapshot: () => nodeSnapshot(node, { name: 'lab', members: [] }, null, client),
      clusterToken: TOKEN,
      log: createLogger('error', {}),
    });
    base = `http://127.0.0.1:${at.port}`;
  });

  after(async () => {
    admin.close();
    await node.stop();
  });

  const post = async (path: string, body: string, type = 'application/json'): Promise<{ status: number; json: Record<string, any> }> => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': type, ...AUTH }, body });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };

  it('answers health (the sessions hosted to the cluster only), /state with the cluster name, 404 and 405 as JSON', async () => {
    assert.deepEqual(await (await fetch(`${base}/v1/health`, { headers: AUTH })).json(), { ok: true, address: node.self, sessions: 0, hosting: [] });
    assert.deepEqual(await (await fetch(`${base}/v1/health`)).json(), { ok: true, address: node.self });
    const state = (await (await fetch(`${base}/state`, { headers: AUTH })).json()) as { cluster: string; address: string };
    assert.equal(state.cluster, 'lab');
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'ERR_NOT_FOUND');
    const wrong = await fetch(`${base}/metrics`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
  });

  it('hosts a session for the frontend, and refuses bad host requests with their codes', async () => {
    const ok = await post('/v1/host', JSON.stringify({ announcement: XML('hosted') }));
    assert.equal(ok.status, 200);
    assert.equal(ok.json.scx, node.self);
    assert.equal(ok.json.session, 'scast://test.scattercast/hosted');
    assert.ok(node.sessions.has(ok.json.id));
    const refusals: Array<[string, string, string, number]> = [
      ['{"announcement": 1}', 'application/json', 'ERR_REQUEST_INVALID', 400],
      ['not json', 'application/json', 'ERR_REQUEST_INVALID', 400],
      ['{}', 'text/plain', 'ERR_UNSUPPORTED_MEDIA_TYPE', 415],
      [JSON.stringify({ announcement: '<SCATTERCAST' }), 'application/json', 'ERR_ANNOUNCEMENT_INVALID', 422],
      [JSON.stringify({ announcement: XML('srm', 'srm') }), 'application/json', 'ERR_TRANSPORT_UNSUPPORTED', 422],
      [JSON.stringify({ announcement: 'x'.repeat(300_000) }), 'application/json', 'ERR_REQUEST_TOO_LARGE', 413],
    ];
    for (const [body, type, code, status] of refusals) {
      const r = await post('/v1/host', body, type);
      assert.equal(r.status, status, `${code}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.code, code);
    }
    assert.equal((await post('/v1/host', JSON.stringify({ announcement: XML('hosted') }))).status, 200, 'still serving');
  });

  it('measures the peers a cluster member asks about, and refuses malformed asks', async () => {
    const peer = `127.0.0.1:${await freePort()}`;
    const r = await post('/v1/probe', JSON.stringify({ peers: [peer] }));
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json.rttMs), [peer]);
    assert.ok(node.probe.cache.has(peer), 'the probe module now measures the peer');
    for (const body of ['{}', '{"peers": "x"}', '{"peers": [1]}', '{"peers": ["nowhere"]}', JSON.stringify({ peers: Array(5000).fill(peer) })]) {
      const bad = await post('/v1/probe', body);
      assert.equal(bad.status, 400, body.slice(0, 40));
      assert.equal(bad.json.error.code, 'ERR_REQUEST_INVALID');
    }
  });

  it('serves the dashboard page and nothing outside its folder', async () => {
    const page = await fetch(`${base}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location'), '/dashboard/');
    for (const path of ['/dashboard/nope.js', '/dashboard/page.txt']) {
      const r = await fetch(base + path);
      assert.equal(r.status, 404, path);
    }
  });

  it('serves nothing outside its folder to raw request lines that try to climb out', async () => {
    // fetch() would normalise `..` and `%2e%2e` away before sending, so these go out byte for byte on a socket.
    // The targets exist: bin/scattercast.js has an extension the dashboard serves, package.json one it does not.
    const root = new URL('../../', import.meta.url);
    const targets = { 'bin/scattercast.js': await readFile(new URL('bin/scattercast.js', root), 'utf8'), 'package.json': await readFile(new URL('package.json', root), 'utf8') };
    const up = ['../../../', '%2e%2e/%2e%2e/%2e%2e/', '%2E%2E/%2E%2E/%2E%2E/', '..%2f..%2f..%2f', '%2e%2e%2f%2e%2e%2f%2e%2e%2f', '..\\..\\..\\', '..%5c..%5c..%5c', '%252e%252e/%252e%252e/%252e%252e/', '..%252f..%252f..%252f', './../.././../', 'x/../../../../'];
    const paths = new Set<string>();
    for (const target of Object.keys(targets)) {
      for (const u of up) paths.add(`/dashboard/${u}${target}`);
      for (const absolute of [new URL(target, root).pathname, fileURLToPath(new URL(target, root)), `file://${new URL(target, root).pathname}`]) paths.add(`/dashboard/${absolute}`);
    }
    for (const path of ['/dashboard//etc/passwd', '/dashboard/../../../../../../../../etc/passwd', '/dashboard/%2fetc%2fpasswd', '/../package.json', '/dashboard/..', '/dashboard/../']) paths.add(path);
    const port = Number(new URL(base).port);
    const leaks: string[] = [];
    for (const path of paths) {
      const r = await rawGet(port, path);
      const served = Object.entries(targets).filter(([, text]) => r.body.includes(text.slice(0, 200))).map(([name]) => name);
      if (r.body.includes('root:x:0:0')) served.push('/etc/passwd');
      if (r.status !== 404 || served.length > 0) leaks.push(`${r.status} ${path}${served.length > 0 ? ` (served ${served.join(', ')})` : ''}`);
    }
    assert.deepEqual(leaks, [], 'every climbing request line is a 404 that serves nothing');
    // The same raw client does get the page's own files, so the refusals above are not the client's doing.
    for (const path of ['/dashboard/', '/dashboard/index.html']) assert.equal((await rawGet(port, path)).status, 200, path);
  });

  it('pushes snapshots over the WebSocket, and refuses other upgrades', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/live`);
    const snaps: DashboardSnapshot[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        snaps.push(JSON.parse(String(data)) as DashboardSnapshot);
        if (snaps.length === 2) resolve();
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error('fewer than 2 snapshots in 5 s')), 5000);
    });
    ws.close();
    assert.equal(snaps[0]?.nodes[0]?.address, node.self);
    assert.equal(snaps[0]?.clusters[0]?.name, 'lab');
    assert.ok((snaps[1]?.at ?? 0) > (snaps[0]?.at ?? 0), 'a later snapshot');
    const other = new WebSocket(`${base.replace('http', 'ws')}/elsewhere`);
    const refused = await new Promise<string>((resolve) => {
      other.on('error', (e) => resolve(e.message));
      other.on('open', () => resolve('opened'));
    });
    assert.match(refused, /404/);
  });
});
