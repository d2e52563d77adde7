/**
 * A cluster of two nodes whose config names a certificate (`trust.certificate`, `trust.certificateKey`): their
 * admin servers and the frontend speak HTTPS only (plain HTTP fails, and so does a client that trusts another
 * certificate), the dashboard's WebSocket is wss://, a TLS client that never finishes its handshake is cut at the
 * header deadline, and the cluster's own calls (health checks and `/v1/host` from the placement, `/v1/probe` from
 * the shared probe, members' `/state` for the dashboard) go over HTTPS with the cluster token.
 */

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { rendezvousOrder } from '../../src/cluster/rendezvous.ts';
import { SharedProbe } from '../../src/cluster/shared-probe.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot.ts';
import { freePort } from '../../src/net/free-port.ts';
import { DEADLINE_CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS } from '../../src/net/http-server.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';
import { sessionIdHex } from '../../src/session/name.ts';
import { tokenHeaders } from '../support/cluster-token.ts';
import { testCertificate, type TestCertificate } from '../support/test-certificate.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A GET over HTTPS trusting `ca`: status and JSON body. */
function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers, agent: false, signal: AbortSignal.timeout(5000) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < end, `timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('admin and frontend servers with a certificate', { timeout: 60_000 }, () => {
  let cert: TestCertificate;
  let stranger: TestCertificate;
  let front: RunningNode;
  let member: RunningNode;
  const at = { frontScx: '', frontAdmin: '', memberScx: '', memberAdmin: '', frontend: '' };

  before(async () => {
    cert = testCertificate();
    stranger = testCertificate('stranger');
    for (const k of Object.keys(at) as Array<keyof typeof at>) at[k] = `127.0.0.1:${await freePort()}`;
    const cluster = {
      name: 'tls',
      members: [
        { scx: at.frontScx, admin: at.frontAdmin },
        { scx: at.memberScx, admin: at.memberAdmin },
      ],
      prober: at.frontAdmin,
    };
    const trust = { certificate: cert.certFile, certificateKey: cert.keyFile };
    member = await runNode(nodeConfig({ listen: at.memberScx, admin: at.memberAdmin, cluster, pingIntervalMs: 100, logLevel: 'error', trust }, cert.dir));
    front = await runNode(nodeConfig({ listen: at.frontScx, admin: at.frontAdmin, frontend: at.frontend, cluster, pingIntervalMs: 100, logLevel: 'error', trust }, cert.dir));
  });

  after(async () => {
    await Promise.all([front, member].map((n) => n?.stop()));
    for (const c of [cert, stranger]) if (c) rmSync(c.dir, { recursive: true, force: true });
  });

  it('answers HTTPS on the admin port and the frontend; plain HTTP and an untrusted certificate fail', async () => {
    for (const where of [at.frontAdmin, at.memberAdmin, at.frontend]) {
      assert.equal((await httpsGet(`https://${where}/v1/health`, cert.cert)).status, 200, where);
      await assert.rejects(fetch(`http://${where}/v1/health`, { signal: AbortSignal.timeout(5000) }), `plain HTTP to ${where}`);
      await assert.rejects(httpsGet(`https://${where}/v1/health`, stranger.cert), /self-signed certificate/, `a client trusting another certificate, ${where}`);
    }
    assert.equal((await httpsGet(`https://${at.memberAdmin}/state`, cert.cert)).status, 401, 'HTTPS does not stand in for the token');
    assert.equal((await httpsGet(`https://${at.memberAdmin}/state`, cert.cert, tokenHeaders(member.trust.clusterToken))).status, 200);
  });

  it('makes the cluster\'s own calls over HTTPS with the token: health checks, /v1/host, /v1/probe, members\' /state', async () => {
    const placement = front.placement;
    assert.ok(placement);
    await until('the frontend to see the member healthy', 5000, () => placement.health.get(at.memberScx)?.healthy === true);
    let name = 'scast://test.scattercast/tls-0';
    for (let k = 1; rendezvousOrder(sessionIdHex(name), [at.frontScx, at.memberScx])[0] !== at.memberScx; k++) name = `scast://test.scattercast/tls-${k}`;
    const answer = await placement.join(parseAnnouncement(`<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${at.memberScx}</RENDEZVOUS></SCATTERCAST>`));
    assert.equal(answer.scx, at.memberScx, 'the member hosted it through its /v1/host');
    assert.ok(member.node.sessions.has(sessionIdHex(name)));
    assert.ok(member.node.probe instanceof SharedProbe, 'the member asks the prober');
    member.node.probe.want(at.frontScx);
    await until('the member to learn an RTT from the prober', 10_000, () => typeof member.node.probe.cache.get(at.frontScx)?.rttMs === 'number');
    const ws = new WebSocket(`wss://${at.frontAdmin}/v1/live`, { ca: cert.cert });
    const snapshot = await new Promise<DashboardSnapshot>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data)) as DashboardSnapshot));
      ws.once('error', reject);
    });
    ws.close();
    const seen = snapshot.nodes.find((n) => n.address === at.memberScx);
    assert.equal(seen?.healthy, true, 'the dashboard read the member\'s /state');
    assert.ok(seen.sessions.some((s) => s.name === name));
    assert.equal(snapshot.clusters[0]?.frontend, `https://${at.frontend}/v1/sessions`);
  });

  it('cuts a client that never finishes its TLS handshake at the header deadline', async () => {
    const [host, port] = at.frontAdmin.split(':') as [string, string];
    const socket = connect(Number(port), host);
    socket.on('error', () => undefined);
    const start = performance.now();
    await new Promise((resolve) => socket.on('close', resolve));
    const ms = performance.now() - start;
    assert.ok(ms < HEADERS_TIMEOUT_MS + DEADLINE_CHECK_INTERVAL_MS + 500, `closed after ${Math.round(ms)} ms`);
  });
});
