/**
 * NACK reflection: `reliable` answered a NACK from any link with repairs to that link, so one 47-byte NACK from a
 * link claiming a victim's address made a node send 1,024 datagrams (1.1 MB) there. Now repairs go only to a link
 * that is downstream of the source the NACK names (the tree's own children), and each link's NACKs are rate-limited.
 * This drives a module in-process (sans-IO): SCX 'X' below upstream 'P' for source 'S', with child 'D', neighbour
 * 'N' (not a child) and a stranger 'V'.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeNack } from '../../src/services/reliable/nack.ts';
import { ReliableModule } from '../../src/services/reliable/reliable.ts';
import { encodeDataPacket } from '../../src/session/data-header.ts';
import type { ChannelContext, LinkId } from '../../src/transport/service-module.ts';

/** Packets the source sent (all cached at X). */
const SENT = 1000;

function scx() {
  const sent = new Map<LinkId, number>();
  let now = 0;
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => now,
    upstream: (source) => (source === 'S' ? 'P' : undefined),
    downstream: (source) => (source === 'S' ? ['D'] : []),
    links: () => ['P', 'N', 'D'],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: (link) => void sent.set(link, (sent.get(link) ?? 0) + 1),
    sendControl: () => undefined,
    sendClientControl: () => undefined,
    deliver: () => undefined,
    drop: () => undefined,
    wakeAt: () => undefined,
    upstreamSilent: () => undefined,
  };
  const m = new ReliableModule(ctx);
  for (let seq = 0; seq < SENT; seq++) {
    now = seq;
    m.onData('P', encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'c', sourceScx: 'S' }, new Uint8Array(1024)));
  }
  // What the source's fresh packets sent down the tree is not what a NACK made X send.
  sent.clear();
  return { m, sent, setNow: (t: number) => (now = t) };
}

const NACK_ALL = encodeNack('S', [{ first: 0, count: SENT }]);

describe('NACK reflection', () => {
  it('a NACK from a stranger or a neighbour that is not downstream of the source gets no repair', () => {
    const h = scx();
    h.m.onControl('V', NACK_ALL);
    h.m.onControl('N', NACK_ALL);
    assert.equal(h.sent.size, 0, `repairs sent: ${JSON.stringify([...h.sent])}`);
    assert.equal(h.m.stats.nacksNotDownstream, 2);
  });

  it("the source's child still gets its repairs, and only it", () => {
    const h = scx();
    h.m.onControl('D', NACK_ALL);
    assert.deepEqual([...h.sent], [['D', h.m.stats.retransmissions]]);
    assert.ok(h.m.stats.retransmissions > SENT / 2, `${h.m.stats.retransmissions} repairs from the cache`);
  });

  it("a child's NACK flood is cut at maxNacksPerSecond", () => {
    const h = scx();
    const flood = 10_000;
    for (let i = 0; i < flood; i++) h.m.onControl('D', encodeNack('S', [{ first: i % SENT, count: 1 }]));
    assert.ok(h.m.stats.nacksRateLimited >= flood - 1000, `${h.m.stats.nacksRateLimited} of ${flood} NACKs limited`);
    assert.ok((h.sent.get('D') ?? 0) <= 1000, `${h.sent.get('D')} repairs`);
  });
});
