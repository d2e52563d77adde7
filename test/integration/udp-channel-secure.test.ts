/**
 * A UDP channel between two secure nodes: each datagram carries a tag keyed from the TLS control connection
 * between them (src/net/udp-keys.ts), and the receiving node opens every one of them.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachChannel } from '../../src/client/channel-client.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode } from '../../src/daemon/run-node.ts';
import { freePorts } from '../../src/net/free-port.ts';

const WAIT_MS = 15_000;

describe('a UDP channel between secure nodes', { timeout: 30_000 }, () => {
  it('delivers the source\'s packets at the other node, every datagram authenticated', async () => {
    const [pa, pb] = await freePorts(2);
    const xml = `<SCATTERCAST name="scast://test.scattercast/udp"><CHANNEL id="1"><TRANSPORT unicast="udp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${pa}</RENDEZVOUS></SCATTERCAST>`;
    const common = { logLevel: 'error', pingIntervalMs: 200 };
    const a = await runNode(nodeConfig({ ...common, listen: `127.0.0.1:${pa}`, sessions: [{ announcement: xml, source: { channel: 1, packetsPerSecond: 100 } }] }, process.cwd()));
    const b = await runNode(nodeConfig({ ...common, listen: `127.0.0.1:${pb}`, sessions: [{ announcement: xml }] }, process.cwd()));
    try {
      assert.ok(a.trust.identity && b.trust.identity, 'the nodes are not secure');
      const session = [...b.node.sessions.values()][0];
      assert.ok(session);
      let received = 0;
      const client = attachChannel(joinHere(b.node, session.announcement), 1, 'receive', () => void received++);
      const deadline = performance.now() + WAIT_MS;
      while (received < 100 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      client.close();
      assert.ok(received >= 100, `${received} packets received in ${WAIT_MS} ms`);
      assert.equal(b.node.udp.unauthenticated, 0, 'a datagram of the real source failed its tag');
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
