/**
 * An announcement given inline to a frontend named `<RENDEZVOUS>127.0.0.1:…</RENDEZVOUS>`, and the node then
 * connected there: a client could make the cluster dial inside itself. Now a frontend without allowPrivateUrls
 * screens every rendezvous location as it screens announcement URLs, refuses with ERR_RENDEZVOUS_FORBIDDEN, and
 * joins nothing, unless the location is in the cluster's own range (a loopback lab takes loopback rendezvous, a
 * cluster on 10.0.0.0/8 takes 10.0.0.0/8 ones); a lab frontend with allowPrivateUrls joins anything.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenRendezvous } from '../../src/cluster/screen-rendezvous.ts';
import { ErrorCode, ScError } from '../../src/core/errors.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePorts } from '../../src/net/free-port.ts';
import { openSinks, type Sinks } from '../support/raw-peer.ts';

const NAME = 'scast://security.scattercast/rendezvous';
/** How long a node that joined has to connect to its rendezvous, and one that did not is watched, ms. */
const CONNECT_MS = 5000;
const WATCH_MS = 500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const announcement = (rendezvous: string): string =>
  `<SCATTERCAST name="${NAME}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`;

/** A node with a frontend on loopback. */
async function nodeWithFrontend(allowPrivateUrls: boolean): Promise<{ running: RunningNode; url: string }> {
  const [port, frontendPort] = await freePorts(2);
  const config = nodeConfig({ listen: `127.0.0.1:${port}`, frontend: `127.0.0.1:${frontendPort}`, logLevel: 'error', allowPrivateUrls }, process.cwd());
  return { running: await runNode(config), url: `http://127.0.0.1:${frontendPort}/v1/sessions` };
}

async function ask(url: string, rendezvous: string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: NAME, announcement: announcement(rendezvous) }) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe('an inline announcement whose RENDEZVOUS is internal', { timeout: 60_000 }, () => {
  let sinks: Sinks;
  /** The internal service the announcement points at: a port of this test's own, on TCP and UDP. */
  let service: string;
  let port: string;

  before(async () => {
    sinks = await openSinks(1);
    service = sinks.addresses[0] as string;
    port = service.split(':')[1] as string;
  });

  after(() => sinks.close());

  it('is refused by a frontend without allowPrivateUrls, which joins nothing and never connects there', async () => {
    const { running, url } = await nodeWithFrontend(false);
    try {
      // The node is on loopback: every internal range but loopback is outside its own.
      const internal = [`[::1]:${port}`, `10.1.2.3:${port}`, `192.168.1.1:${port}`, `198.18.0.1:${port}`, `[64:ff9b::7f00:1]:${port}`, `192.0.2.1:${port}`, `8.8.8.8:${port} [::1]:${port}`];
      for (const rendezvous of internal) {
        const { status, body } = await ask(url, rendezvous);
        assert.equal(status, 403, rendezvous);
        assert.equal(body.error?.code, ErrorCode.RENDEZVOUS_FORBIDDEN, rendezvous);
        assert.match(body.error?.message ?? '', /internal address .*\(.+\), outside this cluster's own ranges; refused unless the node's config has allowPrivateUrls$/, rendezvous);
      }
      assert.match((await ask(url, `10.1.2.3:${port}`)).body.error?.message ?? '', /"10\.1\.2\.3:\d+" is an internal address \(private, 10\.0\.0\.0\/8\), outside this cluster's own ranges/);
      await sleep(WATCH_MS);
      assert.equal(running.node.sessions.size, 0);
    } finally {
      await running.stop();
    }
  });

  it('is refused when the cluster lives elsewhere: loopback, by address or by name, for a cluster on a public address', async () => {
    for (const location of [service, `localhost:${port}`]) {
      const a = parseAnnouncement(announcement(location));
      await assert.rejects(screenRendezvous(a, ['8.8.8.8']), (err: ScError) => err.code === ErrorCode.RENDEZVOUS_FORBIDDEN, location);
      await screenRendezvous(a, ['127.0.0.1']);
    }
    await assert.rejects(screenRendezvous(parseAnnouncement(announcement('10.9.9.9:7400')), ['192.168.0.5']), /private, 10\.0\.0\.0\/8/);
    await screenRendezvous(parseAnnouncement(announcement('10.9.9.9:7400')), ['10.0.0.1']);
  });

  for (const allowPrivateUrls of [false, true]) {
    it(`is taken ${allowPrivateUrls ? 'by a lab frontend with allowPrivateUrls' : 'in the cluster\'s own range (loopback here)'}, whose node then connects there`, async () => {
      await takenAndDialled(allowPrivateUrls);
    });
  }

  async function takenAndDialled(allowPrivateUrls: boolean): Promise<void> {
    const { running, url } = await nodeWithFrontend(allowPrivateUrls);
    try {
      assert.equal((await ask(url, service)).status, 200);
      assert.equal(running.node.sessions.size, 1);
      const deadline = performance.now() + CONNECT_MS;
      while (!running.node.dialBudget.isProven(service)) {
        assert.ok(performance.now() < deadline, `the node did not connect to its rendezvous in ${CONNECT_MS} ms`);
        await sleep(20);
      }
    } finally {
      await running.stop();
    }
  }
});
