/**
 * Paced uplinks on loopback: node 0 sources three sessions, each offering ~1.6 Mbit/s, to node 1 over an uplink paced
 * at 2 Mbit/s with session weights 1:2:1; the link's hierarchical fair share gives them 25/50/25 of it.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePorts } from '../../src/net/free-port.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const NAMES = ['a', 'b', 'c'];
const WEIGHTS = [1, 2, 1];
const RATE_KBPS = 2000;

describe('a paced uplink shared by three sessions', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];
  const bytes = new Map<string, number>();
  let counting = false;

  before(async () => {
    const ports = await freePorts(2);
    const rendezvous = `127.0.0.1:${ports[0]}`;
    const xml = (name: string): string =>
      `<SCATTERCAST name="scast://test.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`;
    for (const [i, port] of ports.entries()) {
      const source = i === 0 ? { source: { channel: 1, packetsPerSecond: 170, payloadBytes: 1200 } } : {};
      const uplinks = i === 0 ? { uplinks: { rateKbps: RATE_KBPS, sessions: NAMES.map((n, k) => ({ session: `scast://test.scattercast/${n}`, weight: WEIGHTS[k] as number })) } } : {};
      const config = nodeConfig(
        { listen: `127.0.0.1:${port}`, logLevel: 'error', seed: i + 1, trust: { insecure: true }, sessions: NAMES.map((n) => ({ announcement: xml(n), ...source })), ...uplinks },
        process.cwd(),
      );
      const running = await runNode(config);
      if (i === 1) {
        running.node.onDelivery((s, _ch, p) => {
          if (counting) bytes.set(s.name, (bytes.get(s.name) ?? 0) + p.bytes.length);
        });
      }
      nodes.push(running);
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('gives the sessions their weighted shares of the paced rate', async (t) => {
    await sleep(4000);
    counting = true;
    const windowMs = 5000;
    await sleep(windowMs);
    counting = false;
    const got = NAMES.map((n) => bytes.get(`scast://test.scattercast/${n}`) ?? 0);
    const total = got.reduce((a, b) => a + b, 0);
    const kbps = (total * 8) / windowMs;
    assert.ok(kbps > 0.85 * RATE_KBPS && kbps < 1.1 * RATE_KBPS, `the uplink carried ${kbps.toFixed(0)} kbit/s, paced at ${RATE_KBPS}`);
    const shares = got.map((b) => b / total);
    t.diagnostic(`shares ${shares.map((s) => (s * 100).toFixed(1) + '%').join(' / ')} of ${kbps.toFixed(0)} kbit/s`);
    [0.25, 0.5, 0.25].forEach((want, k) => assert.ok(Math.abs((shares[k] as number) - want) < 0.05, `session ${NAMES[k]} got ${((shares[k] as number) * 100).toFixed(1)}%, wanted ${want * 100}%`));
    assert.ok(nodes[0]!.node.uplinks.packets > 0);
  });
});
