/**
 * Three nodes in this process on loopback, two sessions at once: one on the built-in forward module, one on a
 * user's module file that throws. The faulty session fails alone; the other goes on; /metrics tells.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { freePort, freePorts } from '../../src/net/free-port.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a node hosting several sessions', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];
  const got = new Map<string, number[]>();

  before(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const rendezvous = `127.0.0.1:${ports[0]}`;
    const xml = (name: string, transport: string): string =>
      `<SCATTERCAST name="scast://test.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="${transport}"/></CHANNEL><RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`;
    for (const [i, port] of ports.entries()) {
      const source = i === 0 ? { source: { channel: 1, packetsPerSecond: 200 } } : {};
      const config = nodeConfig(
        {
          listen: `127.0.0.1:${port}`,
          logLevel: 'error',
          seed: i + 1,
          modules: [join(import.meta.dirname, '../fixtures/crashing-module.mjs')],
          sessions: [
            { announcement: xml('good', 'tcp'), ...source },
            { announcement: xml('faulty', 'crashy'), ...source },
          ],
        },
        process.cwd(),
      );
      const running = await runNode(config);
      running.node.onDelivery((s, _ch, p) => {
        const key = `${i}/${s.name}`;
        got.set(key, [...(got.get(key) ?? []), p.header.seq]);
      });
      nodes.push(running);
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('a session whose module throws fails alone; the others keep flowing', async () => {
    await sleep(4000);
    const failed = nodes.reduce((sum, n) => sum + n.node.counters.sessionsFailed, 0);
    assert.ok(failed >= 1, 'the faulty module never ran');
    for (const [i, n] of nodes.entries()) {
      assert.ok(n.node.sessions.size >= 1, `node ${i} lost its good session`);
      assert.ok([...n.node.sessions.values()].some((s) => s.name === 'scast://test.scattercast/good'));
    }
    const before = nodes.map((_, i) => got.get(`${i}/scast://test.scattercast/good`)?.length ?? 0);
    await sleep(1000);
    for (const [i] of nodes.entries()) {
      const seqs = got.get(`${i}/scast://test.scattercast/good`) ?? [];
      assert.ok(seqs.length > (before[i] as number) + 100, `node ${i} stopped receiving the good session`);
      for (let k = 1; k < seqs.length; k++) assert.equal(seqs[k], (seqs[k - 1] as number) + 1, `node ${i} out of sequence`);
    }
  });

  it('/metrics reports sessions, links, packets and failures in the Prometheus text format', async () => {
    const texts = await Promise.all(nodes.map((n) => renderMetrics(n.node)));
    for (const line of texts.join('\n').split('\n').filter((l) => l && !l.startsWith('#'))) {
      assert.match(line, /^[a-z_][a-z0-9_]*(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? (-?[0-9.e+-]+|[+-]Inf|Nan|NaN)$/, line);
    }
    const valueIn = (text: string, name: string, label = ''): number =>
      Number(text.split('\n').find((l) => /^[a-z_][a-z0-9_]*/.exec(l)?.[0] === name && l.includes(label))?.split(' ').at(-1));
    const value = (name: string, label = ''): number => valueIn(texts[1] as string, name, label);
    assert.ok(value('scattercast_sessions') >= 1);
    assert.ok(value('scattercast_channel_packets_in_total', 'good') > 100);
    assert.ok(value('scattercast_neighbours', 'good') >= 1);
    // A measured loopback RTT: more than nothing, far less than a second (NaN, a missing line, fails too).
    const rtt = value('scattercast_probe_rtt_seconds');
    assert.ok(rtt > 0 && rtt < 1, `probe RTT ${rtt} s`);
    assert.ok(value('scattercast_probe_rtt_sample_seconds_count') >= 1, 'probe echoes go to the RTT histogram');
    assert.ok(value('nodejs_eventloop_lag_seconds') >= 0, 'the process metrics are there');
    const failed = texts.reduce((sum, t) => sum + valueIn(t, 'scattercast_sessions_failed_total'), 0);
    assert.ok(failed >= 1, 'no node reported the failed session');
  });
});
