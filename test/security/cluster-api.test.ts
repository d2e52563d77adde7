/**
 * The admin server's cluster-internal routes used to answer anyone who reached the admin port: `POST /v1/host` made
 * the node host any session, `POST /v1/probe` made it ping any address, `GET /state` showed its sessions, routes,
 * clients and probe cache. Now they answer only the cluster token: an outsider gets 401 ERR_UNAUTHORIZED, counted
 * by route, and the node does nothing; the public routes (`/metrics`, `/v1/health`, `/dashboard/`, `/v1/live`)
 * stay open. A node with no token leaves the internal routes open, and says so in its log and in /metrics.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ClusterPlacement } from '../../src/cluster/cluster-placement.ts';
import { startAdminServer } from '../../src/daemon/admin-server.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import type { LogLevel } from '../../src/daemon/log.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { freePort } from '../../src/net/free-port.ts';
import { tokenHeaders } from '../support/cluster-token.ts';
import { startLiveNode, type LiveNode } from '../support/live-node.ts';
import { openLoopbackSink, type LoopbackSink } from '../support/loopback-sink.ts';

/** The live node's probe interval, ms: a peer it was made to want would be pinged within it. */
const PING_INTERVAL_MS = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const xml = (name: string, port: number): string =>
  `<SCATTERCAST name="scast://security.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`;

interface Answer {
  status: number;
  headers: Headers;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
}

async function call(url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const init = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Answer['json'] };
}

describe('the cluster-internal admin routes against an outsider', { timeout: 60_000 }, () => {
  let live: LiveNode;
  let sink: LoopbackSink;
  let token = '';

  before(async () => {
    sink = await openLoopbackSink();
    live = await startLiveNode(PING_INTERVAL_MS);
    assert.ok(live.running.trust.clusterToken, 'a secure node holds a cluster token');
    token = live.running.trust.clusterToken;
  });

  // What `before` started, even when it failed half way (a handle left open would keep the file from ending).
  after(async () => {
    sink?.close();
    await live?.stop();
  });

  it('refuses /v1/host, /v1/probe and /state without the token (401, counted), and the node does nothing', async () => {
    const sessions = live.running.node.sessions.size;
    const outsiders: Array<[string, Record<string, string>]> = [
      ['no token', {}],
      ['a wrong token', { authorization: `Bearer ${'0'.repeat(token.length)}` }],
      ['the token cut short', { authorization: `Bearer ${token.slice(0, -1)}` }],
      ['the token and more', { authorization: `Bearer ${token}0` }],
      ['the token in another scheme', { authorization: `Basic ${token}` }],
    ];
    for (const [who, headers] of outsiders) {
      const refusals = [
        await call(`${live.admin}/v1/host`, headers, { announcement: xml('outsider', live.port) }),
        await call(`${live.admin}/v1/probe`, headers, { peers: [sink.peer(0)] }),
        await call(`${live.admin}/state`, headers),
      ];
      for (const r of refusals) {
        assert.equal(r.status, 401, `${who}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.error?.code, 'ERR_UNAUTHORIZED');
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /);
        assert.deepEqual(Object.keys(r.json), ['error'], 'a refusal shows nothing of the node');
      }
    }
    await sleep(5 * PING_INTERVAL_MS);
    assert.equal(live.running.node.sessions.size, sessions, 'no session hosted');
    assert.equal(live.running.node.probe.cache.has(sink.peer(0)), false, 'the probe module does not want the peer');
    assert.equal(sink.datagrams, 0, 'no ping sent');
    for (const route of ['/v1/host', '/v1/probe', '/state']) {
      assert.equal(await live.metric('scattercast_admin_unauthorized_total', `route="${route}"`), outsiders.length, route);
    }
    assert.equal(await live.metric('scattercast_admin_internal_open'), 0);
  });

  it('serves the same routes to the token', async () => {
    const auth = tokenHeaders(token);
    const hosted = await call(`${live.admin}/v1/host`, auth, { announcement: xml('member', live.port) });
    assert.equal(hosted.status, 200, JSON.stringify(hosted.json));
    assert.ok(live.running.node.sessions.has(hosted.json.id as string), 'hosted');
    const probed = await call(`${live.admin}/v1/probe`, auth, { peers: [sink.peer(1)] });
    assert.equal(probed.status, 200);
    for (let waited = 0; sink.datagrams === 0; waited += 20) {
      assert.ok(waited < 5000, 'no ping to the asked peer within 5 s');
      await sleep(20);
    }
    const state = await call(`${live.admin}/state`, { authorization: `bearer ${token}` });
    assert.equal(state.status, 200, 'the scheme is case-insensitive');
    assert.equal(state.json.address, live.running.node.self);
  });

  it('a frontend holding another token sees the node down, and says why; one holding the token sees it up', async () => {
    const watch = async (sent: string): Promise<{ healthy: boolean | undefined; lines: string[] }> => {
      const lines: string[] = [];
      const self = '127.0.0.1:9';
      const placement = new ClusterPlacement({
        members: [
          { scx: self, admin: self },
          { scx: live.running.node.self, admin: live.admin.slice('http://'.length) },
        ],
        self,
        hostHere: () => assert.fail('nothing is placed in this test'),
        hostsHere: () => false,
        maxSessions: 10,
        client: new AdminClient({ token: sent, ca: undefined }),
        healthIntervalMs: 50,
        log: (_level, msg) => void lines.push(msg),
      });
      placement.start();
      await sleep(300);
      placement.stop();
      return { healthy: placement.health.get(live.running.node.self)?.healthy, lines };
    };
    const other = await watch(`${token.slice(1)}x`);
    assert.equal(other.healthy, false);
    assert.ok(other.lines.some((l) => /refuses this node's cluster token/.test(l)), JSON.stringify(other.lines));
    const same = await watch(token);
    assert.equal(same.healthy, true);
    assert.deepEqual(same.lines.filter((l) => /cluster token/.test(l)), []);
  });

  it('leaves the public routes open: /metrics, /v1/health (without the sessions), /dashboard/, /v1/live', async () => {
    assert.equal((await fetch(`${live.admin}/metrics`)).status, 200);
    assert.deepEqual((await call(`${live.admin}/v1/health`, {})).json, { ok: true, address: live.running.node.self });
    assert.equal((await fetch(`${live.admin}/dashboard/`)).status, 200);
    const ws = new WebSocket(`${live.admin.replace('http', 'ws')}/v1/live`);
    const snapshot = await new Promise<{ nodes: Array<{ address: string }> }>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data)) as { nodes: Array<{ address: string }> }));
      ws.once('error', reject);
    });
    ws.close();
    assert.equal(snapshot.nodes[0]?.address, live.running.node.self);
    assert.ok(!JSON.stringify(snapshot).includes(token), 'the snapshot never carries the token');
  });
});

describe('an admin server with no cluster token', () => {
  it('leaves the internal routes open, and says so in its log and in /metrics', async () => {
    const lines: Array<[LogLevel, string]> = [];
    const log = (level: LogLevel, msg: string): void => void lines.push([level, msg]);
    const node = new ScxNode({ listen: { host: '127.0.0.1', port: await freePort() }, gossamer: {}, seed: 1, registry: builtinRegistry(), log: () => undefined });
    await node.start();
    const at = { host: '127.0.0.1', port: await freePort() };
    const client = new AdminClient({ token: undefined, ca: undefined });
    const admin = await startAdminServer(node, at, { cluster: null, snapshot: () => nodeSnapshot(node, undefined, null, client), clusterToken: undefined, log });
    try {
      const base = `http://127.0.0.1:${at.port}`;
      assert.equal((await call(`${base}/state`, {})).status, 200);
      assert.ok(lines.some(([level, msg]) => level === 'warn' && /^OPEN: .*\/v1\/host/.test(msg)), JSON.stringify(lines));
      assert.match(await (await fetch(`${base}/metrics`)).text(), /^scattercast_admin_internal_open 1$/m);
    } finally {
      admin.close();
      await node.stop();
    }
  });
});
