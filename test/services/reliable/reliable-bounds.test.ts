/**
 * The reliable module's state stays bounded: per-source state only for packets the forward module inside took,
 * at most `maxSources`, expired after `sourceIdleMs` (at the next upcall); given-up seqs bounded; NACKs limited
 * per link per second.
 * Driven with a fake ChannelContext and a virtual clock (its timer run as the ChannelRuntime runs it).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLossReport, isLossReport } from '../../../src/services/reliable/loss-report.ts';
import { encodeNack } from '../../../src/services/reliable/nack.ts';
import type { ReliableOptions } from '../../../src/services/reliable/options.ts';
import { ReliableModule } from '../../../src/services/reliable/reliable.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import type { ChannelContext, LinkId } from '../../../src/transport/service-module.ts';
import { advanceClock } from '../../support/virtual-clock.ts';

/** One SCX 'X' below 'P' for the sources in `routes`, above 'D' and 'E'. */
function scx(options: ReliableOptions = {}) {
  const routes = new Map<string, LinkId>([['S', 'P']]);
  const clock = { now: 0, wake: undefined as number | undefined };
  const delivered: string[] = [];
  const sent: string[] = [];
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => clock.now,
    upstream: (source) => routes.get(source),
    downstream: () => ['D', 'E'],
    links: () => ['P', 'D', 'E'],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: (link, p, cls) => sent.push(`${link}:${p.header.sourceScx}#${p.header.seq}${cls ? `/${cls}` : ''}`),
    sendControl: () => undefined,
    sendClientControl: () => undefined,
    deliver: (p) => delivered.push(isLossReport(p) ? lossText(p) : `${p.header.sourceScx}#${p.header.seq}`),
    drop: () => undefined,
    wakeAt: (at) => (clock.wake = at),
    upstreamSilent: () => undefined,
  };
  const m = new ReliableModule(ctx, options);
  /** Moves the clock to `to`, running every deadline met on the way. */
  const advance = (to: number): void => advanceClock(clock, to, (at) => m.handleTimeout(at));
  return { m, routes, clock, delivered, sent, advance };
}

/** A loss report as `source!first+count`. */
function lossText(p: DataPacket): string {
  const r = decodeLossReport(p);
  assert.ok(r.ok);
  return `${r.value.sourceScx}!${r.value.first}+${r.value.count}`;
}

function pkt(sourceScx: string, seq: number): DataPacket {
  return encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'c', sourceScx }, new Uint8Array(4));
}

describe('reliable: NACKs per link per second', () => {
  it('past maxNacksPerSecond a link is ignored and counted; other links are not; the bucket refills', () => {
    const { m, sent, advance } = scx({ maxNacksPerSecond: 4, nackEliminateMs: 0 });
    for (let s = 0; s < 10; s++) m.onData('P', pkt('S', s));
    sent.length = 0;
    const nack = encodeNack('S', [{ first: 3, count: 1 }]);
    for (let i = 0; i < 10; i++) m.onControl('D', nack);
    m.onControl('E', nack);
    assert.equal(sent.filter((x) => x === 'D:S#3/repair').length, 4);
    assert.equal(sent.filter((x) => x === 'E:S#3/repair').length, 1);
    assert.equal(m.stats.nacksRateLimited, 6);
    assert.equal(m.stats.nacksReceived, 5);
    assert.equal(m.counters().nacksRateLimited, 6);
    advance(250); // one token back
    for (let i = 0; i < 3; i++) m.onControl('D', nack);
    assert.equal(m.stats.nacksRateLimited, 8);
    advance(1250); // full again
    for (let i = 0; i < 5; i++) m.onControl('D', nack);
    assert.equal(m.stats.nacksRateLimited, 9);
    assert.ok(m.stateSize().nackLinks <= 2);
  });

  it('forgets the bucket of a link that failed', () => {
    const { m } = scx({ maxNacksPerSecond: 1 });
    m.onData('P', pkt('S', 0));
    const nack = encodeNack('S', [{ first: 0, count: 1 }]);
    m.onControl('D', nack);
    m.onControl('D', nack);
    assert.equal(m.stats.nacksRateLimited, 1);
    assert.equal(m.stateSize().nackLinks, 1);
    m.onLinkDown('D', 'failed');
    assert.equal(m.stateSize().nackLinks, 0);
  });
});

describe('reliable: per-source state', () => {
  it('is created only for packets from the upstream of a known source', () => {
    const { m } = scx();
    m.onData('D', pkt('S', 0));
    m.onData('P', pkt('R', 0));
    m.onControl('D', encodeNack('R', [{ first: 0, count: 100 }]));
    assert.deepEqual(m.stateSize(), { sources: 0, forwardSources: 0, cachedPackets: 0, requests: 0, heldPackets: 0, abandonedSeqs: 0, nackLinks: 1 });
  });

  it('expires after sourceIdleMs without a packet, repair cache and all', () => {
    const { m, clock, advance } = scx({ sourceIdleMs: 1000 });
    for (let s = 0; s < 5; s++) m.onData('P', pkt('S', s));
    assert.equal(m.stateSize().cachedPackets, 5);
    assert.equal(clock.wake, undefined, 'no timer of its own');
    advance(999);
    m.onData('D', pkt('S', 9)); // any upcall (here a stray packet)
    assert.equal(m.stateSize().sources, 1);
    advance(1000);
    m.onData('D', pkt('S', 9));
    assert.equal(m.stateSize().sources, 0);
    assert.equal(m.stateSize().forwardSources, 0);
    assert.equal(m.stateSize().cachedPackets, 0);
    assert.equal(m.stats.sourcesExpired, 1);
    assert.equal(m.counters().forwardSourcesExpired, 1);
    assert.equal(clock.wake, undefined);
  });

  it('with a request open, expires only once the request is closed (given up here)', () => {
    const { m, delivered, advance } = scx({ sourceIdleMs: 1000 });
    m.onData('P', pkt('S', 0));
    m.onData('P', pkt('S', 2)); // 1 is missing: NACKed at 10, 210, 610, 1410, 2410, ..., 9410, given up at 10410
    advance(10409);
    assert.equal(m.stateSize().sources, 1);
    assert.equal(m.stateSize().requests, 1);
    advance(10410);
    assert.deepEqual(delivered, ['S#0', 'S!1+1', 'S#2'], 'the give-up is reported where 1 would have been');
    assert.equal(m.stats.giveUps, 1);
    assert.equal(m.stateSize().sources, 0);
  });

  it('at most maxSources; the forward module inside has the same cap by default', () => {
    const { m, routes, delivered } = scx({ maxSources: 2 });
    for (const s of ['a', 'b', 'c']) routes.set(s, 'P');
    for (const s of ['a', 'b', 'c']) m.onData('P', pkt(s, 0));
    assert.equal(m.stateSize().sources, 2);
    assert.equal(m.stateSize().forwardSources, 2);
    assert.equal(m.counters().forwardSourcesRefused, 1);
    assert.deepEqual(delivered, ['a#0', 'b#0']);
  });

  it("past its own cap a source's packets are delivered without repair state, and counted", () => {
    const { m, routes, delivered } = scx({ maxSources: 2, forward: { maxSources: 10 } });
    for (const s of ['a', 'b', 'c']) routes.set(s, 'P');
    for (const s of ['a', 'b', 'c']) m.onData('P', pkt(s, 0));
    m.onData('P', pkt('c', 1));
    assert.equal(m.stateSize().sources, 2);
    assert.equal(m.stateSize().forwardSources, 3);
    assert.equal(m.stats.sourcesRefused, 2);
    assert.deepEqual(delivered, ['a#0', 'b#0', 'c#0', 'c#1']);
  });

  it('an upstream jumping ahead again and again leaves a bounded set of given-up seqs', () => {
    const maxRequests = 16;
    const maxGapPackets = 64;
    const { m, delivered } = scx({ maxRequests, maxGapPackets });
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      m.onData('P', pkt('S', i * maxGapPackets));
      const size = m.stateSize();
      worst = Math.max(worst, size.abandonedSeqs);
      assert.ok(size.requests <= maxRequests);
    }
    assert.ok(worst <= maxRequests + maxGapPackets, `${worst} given-up seqs remembered`);
    const seqs = delivered.filter((d) => d.includes('#')).map((d) => Number(d.split('#')[1]));
    assert.ok(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] as number)), 'delivered in order without duplicates');
    // Nothing skipped silently: packets and loss reports together cover every seq up to the last delivered.
    let next = 0;
    for (const d of delivered) {
      const [first, count] = d.includes('#') ? [Number(d.split('#')[1]), 1] : d.split('!')[1]!.split('+').map(Number);
      assert.equal(first, next, `${d} does not follow ${next - 1}`);
      next = first! + count!;
    }
    assert.ok(seqs.length > 1900, `only ${seqs.length} delivered`);
  });
});
