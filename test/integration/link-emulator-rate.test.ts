/**
 * An emulated slow link under a real TCP data connection: A's test source sends about 2.6 Mbit/s to B, and B's
 * emulator serialises what arrives from A at 1000 kbit/s with a 128-KiB bound. B receives at the link's rate, the
 * connection is held back (backpressure, counted) rather than its bytes dropped, and the data link stays up (its
 * keepalives get through: no silence reset).
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const RATE_KBPS = 1000;

describe('link emulator: a rate-limited TCP data link', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];
  let stateDir = '';

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'scattercast-emulator-rate-'));
    const scx = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    const xml = `<SCATTERCAST name="scast://test.scattercast/slow"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${scx[0]}</RENDEZVOUS></SCATTERCAST>`;
    for (let i = 0; i < 2; i++) {
      const config = nodeConfig(
        {
          listen: scx[i],
          logLevel: 'error',
          seed: i + 1,
          trust: { stateDir },
          sessions: [{ announcement: xml, ...(i === 0 && { source: { channel: 1, packetsPerSecond: 300, payloadBytes: 1000 } }) }],
          ...(i === 1 && { emulate: { maxQueueBytes: 128 * 1024, peers: [{ peer: scx[0] as string, delayMs: 10, rateKbps: RATE_KBPS }] } }),
        },
        process.cwd(),
      );
      nodes.push(await runNode(config));
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('B receives at the emulated rate, the connection is held back, and the link stays up', async (t) => {
    const b = nodes[1]!.node;
    const bytesIn = (): number => [...b.sessions.values()][0]?.channels.get(1)?.runtime.stats.bytesIn ?? 0;
    const deadline = performance.now() + 15_000;
    while (bytesIn() === 0) {
      assert.ok(performance.now() < deadline, 'nothing reached B');
      await sleep(100);
    }
    await sleep(3000); // the link's queue fills: from here on B gets what the link lets through
    const [b0, t0] = [bytesIn(), performance.now()];
    await sleep(4000);
    const kbps = ((bytesIn() - b0) * 8) / (performance.now() - t0);
    // The link also carries A's control frames and keepalives, so the channel gets a little less than the whole rate.
    assert.ok(kbps > 0.75 * RATE_KBPS && kbps <= 1.05 * RATE_KBPS, `B received ${kbps.toFixed(0)} kbit/s through a ${RATE_KBPS}-kbit/s link`);
    const counters = b.emulated?.emulator.counters.get(nodes[0]!.node.self);
    t.diagnostic(`B received ${kbps.toFixed(0)} kbit/s of channel bytes through a ${RATE_KBPS}-kbit/s link; held back ${counters?.backpressure} times`);
    assert.ok((counters?.backpressure ?? 0) > 0, 'the connection was never held back');
    assert.equal(counters?.drops['queue-full'], 0, 'a TCP stream lost bytes');
    assert.equal(b.watchdog.silent.receiver, 0, 'the data link went silent and was reset');
  });
});
