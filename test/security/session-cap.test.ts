/**
 * Nothing capped the sessions a node would host or a frontend would place: anyone who can reach `/v1/host` or a
 * frontend could make a node run any number of SCXs. Now a node hosts at most `limits.sessionsPerNode` and a
 * frontend places at most `limits.sessionsPerFrontend`; the ask past either is answered 503 ERR_LIMIT_SESSIONS
 * and counted in /metrics, a session already in is always served again, concurrent asks cannot overshoot the
 * frontend's cap, and a member that is full is passed over by the placement without being taken for down.
 */

import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterPlacement } from '../../src/cluster/cluster-placement.ts';
import { startFrontend } from '../../src/cluster/frontend.ts';
import { ErrorCode, ScError } from '../../src/core/errors.ts';
import { startAdminServer, type AdminServer } from '../../src/daemon/admin-server.ts';
import { nodeLimits } from '../../src/daemon/limits.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { createLogger } from '../../src/daemon/log.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { bearerHeader } from '../../src/net/bearer-token.ts';
import { freePort } from '../../src/net/free-port.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';

const log = createLogger('error', {});

/** The cluster token of the test's nodes, and what their placements call each other with. */
const TOKEN = 'session-cap-test-token';
const client = new AdminClient({ token: TOKEN, ca: undefined });

/** The announcement XML of session `name`. */
const xml = (name: string): string =>
  `<SCATTERCAST name="scast://security.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:9</RENDEZVOUS></SCATTERCAST>`;

/** A node allowed `sessionsPerNode` sessions, with its admin server on loopback. */
async function cappedNode(sessionsPerNode: number): Promise<{ node: ScxNode; admin: AdminServer; adminAt: string }> {
  const node = new ScxNode({ listen: { host: '127.0.0.1', port: await freePort() }, gossamer: {}, seed: 1, registry: builtinRegistry(), log, limits: nodeLimits({ sessionsPerNode }) });
  await node.start();
  const at = { host: '127.0.0.1', port: await freePort() };
  const admin = await startAdminServer(node, at, { cluster: null, snapshot: () => nodeSnapshot(node, undefined, null, client), clusterToken: TOKEN, log });
  return { node, admin, adminAt: `127.0.0.1:${at.port}` };
}

/** A POST of `body` as JSON: status and the JSON answer. */
async function post(url: string, body: unknown): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearerHeader(TOKEN) }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } };
}

/** The value of the series of `/metrics` text whose name and labels are `series`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in /metrics`);
  return Number(line.split(' ').at(-1));
}

describe('sessions per node', () => {
  const CAP = 3;
  let node: ScxNode;
  let admin: AdminServer;
  let adminAt = '';
  let frontend: Server;

  before(async () => {
    ({ node, admin, adminAt } = await cappedNode(CAP));
    // Private addresses allowed: the sessions' rendezvous is on loopback.
    frontend = await startFrontend({ host: '127.0.0.1', port: 0 }, { join: async (a) => joinHere(node, a), allowPrivateUrls: true, homeHosts: [], log: () => undefined });
  });

  after(async () => {
    frontend.closeAllConnections();
    frontend.close();
    admin.close();
    await node.stop();
  });

  it('refuses /v1/host, the frontend and a direct join past limits.sessionsPerNode with 503 ERR_LIMIT_SESSIONS, counted', async () => {
    for (let i = 0; i < CAP; i++) assert.equal((await post(`http://${adminAt}/v1/host`, { announcement: xml(`s${i}`) })).status, 200, `session ${i}`);
    const hostPast = await post(`http://${adminAt}/v1/host`, { announcement: xml('one-too-many') });
    assert.equal(hostPast.status, 503);
    assert.equal(hostPast.json.error?.code, ErrorCode.LIMIT_SESSIONS);
    const frontendUrl = `http://127.0.0.1:${(frontend.address() as AddressInfo).port}/v1/sessions`;
    const askPast = await post(frontendUrl, { name: 'scast://security.scattercast/another', announcement: xml('another') });
    assert.equal(askPast.status, 503);
    assert.equal(askPast.json.error?.code, ErrorCode.LIMIT_SESSIONS);
    assert.throws(
      () => node.join(parseAnnouncement(xml('direct'))),
      (err: unknown) => err instanceof ScError && err.code === ErrorCode.LIMIT_SESSIONS,
    );
    assert.equal(node.sessions.size, CAP);
    // A session the node hosts is served again, through each path.
    assert.equal((await post(`http://${adminAt}/v1/host`, { announcement: xml('s0') })).status, 200);
    assert.equal((await post(frontendUrl, { name: 'scast://security.scattercast/s1', announcement: xml('s1') })).status, 200);
    const metrics = await (await fetch(`http://${adminAt}/metrics`)).text();
    assert.equal(sample(metrics, 'scattercast_sessions_refused_total'), 3);
    assert.equal(sample(metrics, 'scattercast_sessions'), CAP);
  });
});

describe('sessions per frontend', () => {
  it('places at most maxSessions, even when the asks come all at once, and counts the rest', async () => {
    const CAP = 3;
    const ASKS = 10;
    const { node, admin } = await cappedNode(100);
    const placement = new ClusterPlacement({
      members: [{ scx: node.self, admin: '' }],
      self: node.self,
      hostHere: (a) => joinHere(node, a),
      hostsHere: (hex) => node.sessions.has(hex),
      maxSessions: CAP,
      client,
      log,
    });
    try {
      placement.start();
      const answers = await Promise.allSettled(Array.from({ length: ASKS }, (_, i) => placement.join(parseAnnouncement(xml(`p${i}`)))));
      const placed = answers.filter((a) => a.status === 'fulfilled');
      const refused = answers.flatMap((a) => (a.status === 'rejected' ? [(a.reason as ScError).code] : []));
      assert.equal(placed.length, CAP);
      assert.deepEqual(refused, Array(ASKS - CAP).fill(ErrorCode.LIMIT_SESSIONS));
      assert.equal(placement.placements.size, CAP);
      assert.equal(node.sessions.size, CAP);
      // A placed session is served again.
      const again = (placed[0] as PromiseFulfilledResult<{ session: string }>).value.session.split('/').at(-1) as string;
      assert.equal((await placement.join(parseAnnouncement(xml(again)))).scx, node.self);
      const metrics = await renderMetrics(node, { placement });
      assert.equal(sample(metrics, 'scattercast_cluster_sessions_refused_total{limit="frontend"}'), ASKS - CAP);
    } finally {
      placement.stop();
      admin.close();
      await node.stop();
    }
  });

  it('passes over a full member without taking it for down, and refuses once every member is full', async () => {
    const here = await cappedNode(1);
    const there = await cappedNode(1);
    const placement = new ClusterPlacement({
      members: [
        { scx: here.node.self, admin: here.adminAt },
        { scx: there.node.self, admin: there.adminAt },
      ],
      self: here.node.self,
      hostHere: (a) => joinHere(here.node, a),
      hostsHere: (hex) => here.node.sessions.has(hex),
      maxSessions: 100,
      healthIntervalMs: 100,
      client,
      log,
    });
    try {
      placement.start();
      const scxs = [];
      for (const name of ['a', 'b']) scxs.push((await placement.join(parseAnnouncement(xml(name)))).scx);
      assert.deepEqual(scxs.sort(), [here.node.self, there.node.self].sort(), 'one session on each member: each was full for the other');
      await assert.rejects(placement.join(parseAnnouncement(xml('c'))), (err: unknown) => err instanceof ScError && err.code === ErrorCode.LIMIT_SESSIONS);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(placement.health.get(there.node.self)?.healthy, true, 'a full member is not down');
      assert.equal(placement.counters.moved, 0);
      const metrics = await renderMetrics(here.node, { placement });
      assert.equal(sample(metrics, 'scattercast_cluster_sessions_refused_total{limit="members"}'), 1);
      assert.equal(sample(metrics, 'scattercast_cluster_sessions_refused_total{limit="frontend"}'), 0);
    } finally {
      placement.stop();
      for (const m of [here, there]) {
        m.admin.close();
        await m.node.stop();
      }
    }
  });
});
