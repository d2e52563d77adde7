/**
 * The sampled relay delay on live nodes: five nodes on loopback with a degree limit too small for a star
 * (k1 1, k2 2), so some SCX forwards the source's packets; one packet in RELAY_SAMPLE_EVERY that comes in from a
 * peer is timed to its first write towards the next SCX. Leaves, which write nothing on, sample nothing.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RELAY_SAMPLE_EVERY } from '../../src/daemon/node-histograms.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The relay-delay histogram's count and sum (seconds) at a node. */
async function relayDelay(n: RunningNode): Promise<{ count: number; sum: number }> {
  const { values } = await n.node.histograms.relayDelay.get();
  const pick = (name: string): number => values.find((v) => v.metricName === name)?.value ?? 0;
  return { count: pick('scattercast_relay_delay_seconds_count'), sum: pick('scattercast_relay_delay_seconds_sum') };
}

/** Packets this node wrote on to other SCXs that came in from a peer (not from a local source). */
function relayed(n: RunningNode): number {
  const s = [...n.node.sessions.values()][0];
  const st = s?.channels.get(1)?.runtime.stats;
  return st && st.packetsIn > 0 ? st.packetsOut : 0;
}

describe('relay delay, sampled', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];

  before(async () => {
    const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
    const xml = `<SCATTERCAST name="scast://test.scattercast/relay"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${ports[0]}</RENDEZVOUS></SCATTERCAST>`;
    for (const [i, port] of ports.entries()) {
      const source = i === 0 ? { source: { channel: 1, packetsPerSecond: 400 } } : {};
      const config = nodeConfig(
        { listen: `127.0.0.1:${port}`, logLevel: 'error', seed: i + 1, gossamer: { k1: 1, k2: 2 }, sessions: [{ announcement: xml, ...source }] },
        process.cwd(),
      );
      nodes.push(await runNode(config));
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('times about one relayed packet in RELAY_SAMPLE_EVERY at the SCXs that forward, and none at the source', async () => {
    const relays = nodes.slice(1);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !relays.some((n) => relayed(n) > 20 * RELAY_SAMPLE_EVERY)) await sleep(200);
    const forwarding = relays.filter((n) => relayed(n) > 20 * RELAY_SAMPLE_EVERY);
    assert.ok(forwarding.length > 0, `no SCX forwarded ${20 * RELAY_SAMPLE_EVERY} packets (out: ${relays.map(relayed).join(', ')})`);
    for (const n of forwarding) {
      const { count, sum } = await relayDelay(n);
      const out = relayed(n);
      const received = [...n.node.sessions.values()][0]?.channels.get(1)?.runtime.stats.packetsIn ?? 0;
      // Packets coming in are sampled (at most one in RELAY_SAMPLE_EVERY), each timed to its first write.
      assert.ok(count >= 5, `${n.node.self}: ${count} samples for ${out} packets written on`);
      assert.ok(count <= received / RELAY_SAMPLE_EVERY + 1, `${n.node.self}: ${count} samples for ${received} packets in`);
      assert.ok(sum / count < 0.5, `${n.node.self}: mean relay delay ${((sum / count) * 1000).toFixed(2)} ms on loopback`);
    }
    assert.equal((await relayDelay(nodes[0] as RunningNode)).count, 0, 'the source injects its packets; it relays none');
  });
});
