/**
 * Congestion pushback in the daemon, on loopback: node 0's uplink is paced at 1 Mbit/s (config `uplinks`), the
 * session's channel is `pushback`, and `scattercast send --rate auto --max-rate` at node 0 sends a file at twice
 * the bottleneck until told otherwise. The link's queue builds, the module notices, its source SCX limits the source and tells the sender
 * over the client control path; the sender slows to the bottleneck and the receiver at node 1 gets what was sent.
 */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { attachChannel } from '../../src/client/channel-client.ts';
import { askFrontend } from '../../src/client/frontend-client.ts';
import { PushbackModule } from '../../src/services/pushback/pushback.ts';
import { runCli } from '../support/cli.ts';
import { pacedPair, type PacedPair } from '../support/paced-pair.ts';

const NAME = 'scast://test.scattercast/pushback';
const RATE_KBPS = 1000;
/** Payload bytes per packet, and what the file holds: about 12 s at the bottleneck. */
const CHUNK = 1000;
const FILE_BYTES = 1_500_000;
/** The sender's ceiling: twice the bottleneck, packets/s. */
const MAX_RATE = Math.round((2 * RATE_KBPS * 1000) / 8 / CHUNK);
/** The sender counts as settled from here on, ms after its first packet arrived. */
const SETTLE_MS = 3000;

describe('pushback in the daemon: a sender at --rate auto over a paced 1 Mbit/s uplink', { timeout: 90_000 }, () => {
  let pair: PacedPair;

  before(async () => {
    pair = await pacedPair(NAME, 'pushback', RATE_KBPS);
  });

  after(async () => {
    await pair.stop();
  });

  it('settles at the bottleneck within 3 s, then loses under 1%', async (t) => {
    const toReceiver = await askFrontend(pair.frontends[1] as string, NAME, { announcement: pair.announcement });
    const arrivals: Array<{ at: number; seq: number; bytes: number }> = [];
    const receiver = attachChannel(toReceiver, 1, 'receive', (p) => arrivals.push({ at: performance.now(), seq: p.header.seq, bytes: p.bytes.length }));
    const file = join(pair.dir, 'payload.bin');
    writeFileSync(file, Buffer.alloc(FILE_BYTES, 7));
    const sent = await runCli(['send', pair.frontends[0] as string, NAME, '--channel', '1', '--announcement', pair.announcementFile, '--in', file, '--chunk', String(CHUNK), '--rate', 'auto', '--max-rate', String(MAX_RATE)], 60_000);
    assert.equal(sent.status, 0, sent.stderr);
    // What the SCX still holds drains before its route is withdrawn: wait until nothing more arrives.
    for (let seen = -1; seen !== arrivals.length; ) {
      seen = arrivals.length;
      await new Promise((r) => setTimeout(r, 1000));
    }
    receiver.close();
    const module = [...pair.nodes[0]!.node.sessions.values()][0]?.channels.get(1)?.runtime.module;
    assert.ok(module instanceof PushbackModule);
    t.diagnostic(`sender: ${sent.stderr.trim()}; receiver got ${arrivals.length} packets; module ${JSON.stringify(module.counters())}`);
    assert.ok(arrivals.length > 100, `the receiver got ${arrivals.length} packets`);
    const start = (arrivals[0] as { at: number }).at;
    const settled = arrivals.filter((a) => a.at - start >= SETTLE_MS);
    // Gaps in the seqs after settling: packets the source SCX dropped (its pacer) or the tree lost.
    const seqs = settled.map((a) => a.seq);
    const span = (seqs.at(-1) as number) - (seqs[0] as number) + 1;
    const lost = span - new Set(seqs).size;
    const seconds = ((settled.at(-1) as { at: number }).at - (settled[0] as { at: number }).at) / 1000;
    const kbps = (settled.reduce((n, a) => n + a.bytes, 0) * 8) / seconds / 1000;
    t.diagnostic(`after ${SETTLE_MS} ms: ${kbps.toFixed(0)} kbit/s, ${lost} of ${span} seqs missing; ${module.stats.clientNotices} notices to the sender, ${module.stats.pacerDrops} dropped by the source SCX's pacer`);
    assert.ok(module.stats.clientNotices > 0, 'the sender was never told');
    assert.ok(kbps > 0.8 * RATE_KBPS && kbps < 1.1 * RATE_KBPS, `${kbps.toFixed(0)} kbit/s after settling, the uplink carries ${RATE_KBPS}`);
    assert.ok(lost / span < 0.01, `${lost} of ${span} packets lost after settling`);
  });
});
