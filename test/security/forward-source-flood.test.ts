/**
 * A flood of datagrams each naming a new source SCX used to grow the forward module's per-source state without
 * bound: it was created before the upstream check and never expired (5M datagrams: about 3 GB). Now state is
 * created only for a packet from the upstream of a source the routing table knows, at most `maxSources` of them,
 * and forgotten after `sourceIdleMs` idle. This feeds a module in-process (sans-IO, no network) 200,000 packets
 * naming distinct random sources, from a link that is not the upstream and from the upstream, with the real
 * source's packets among them, and checks the state stays within the cap while the real source flows on.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardModule } from '../../src/services/forward/forward.ts';
import { ReliableModule } from '../../src/services/reliable/reliable.ts';
import { encodeDataPacket, type DataPacket } from '../../src/session/data-header.ts';
import type { ChannelContext, DropReason, LinkId, ServiceModule } from '../../src/transport/service-module.ts';
import { testSeed } from '../support/seed.ts';

const FLOOD = 200_000;
/** The default `maxSources` of both modules. */
const CAP = 1024;
/** The default `sourceIdleMs`. */
const IDLE_MS = 60_000;
/** One flood packet every 50 µs of virtual time: the flood lasts 10 s. */
const FLOOD_STEP_MS = 0.05;
/** The real source sends one packet among every this many. */
const REAL_EVERY = 100;

/** mulberry32: a small seeded generator of u32s. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `n` distinct random SCX addresses, none of them the real source 'S' or this SCX 'X'. */
function randomSources(n: number, next: () => number): string[] {
  const seen = new Set<string>();
  while (seen.size < n) {
    const ip = next();
    seen.add(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${1 + (next() % 65535)}`);
  }
  return [...seen];
}

const SESSION = new Uint8Array(16);
const PAYLOAD = new Uint8Array(64);

function pkt(sourceScx: string, seq: number): DataPacket {
  return encodeDataPacket({ sessionId: SESSION, channel: 1, seq, timestampMs: 0, source: 'c', sourceScx }, PAYLOAD);
}

/**
 * SCX 'X' below upstream 'P' for the real source 'S'; 'N' is a neighbour that is not upstream. With
 * `routeAll`, the routing table knows every source the flood names, all via 'P' (a peer that gossiped them).
 */
function scx(routeAll: boolean, create: (ctx: ChannelContext) => ServiceModule) {
  const clock = { now: 0, wake: undefined as number | undefined };
  const real: number[] = [];
  const drops: Partial<Record<DropReason, number>> = {};
  let deliveredOther = 0;
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => clock.now,
    upstream: (source: string): LinkId | undefined => (source === 'S' || routeAll ? 'P' : undefined),
    downstream: () => ['D'],
    links: () => ['P', 'N', 'D'],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: () => undefined,
    sendControl: () => undefined,
    sendClientControl: () => undefined,
    deliver: (p) => (p.header.sourceScx === 'S' ? real.push(p.header.seq) : deliveredOther++),
    drop: (reason) => (drops[reason] = (drops[reason] ?? 0) + 1),
    wakeAt: (at) => (clock.wake = at),
    upstreamSilent: () => undefined,
  };
  const m = create(ctx);
  const advance = (to: number): void => {
    while (clock.wake !== undefined && clock.wake <= to) {
      const at = clock.wake;
      clock.now = at;
      clock.wake = undefined;
      m.handleTimeout?.(at);
    }
    clock.now = to;
  };
  return { m, clock, real, drops, advance, deliveredOther: () => deliveredOther };
}

/**
 * Floods `m` from `link` with FLOOD packets of distinct random sources, the real source's packets among them,
 * then lets the real source alone run on for IDLE_MS + 1 s. Returns the tracked state after the flood and at the end.
 */
function flood(
  h: ReturnType<typeof scx>,
  link: LinkId,
  sources: readonly string[],
  tracked: () => number,
): { afterFlood: number; peak: number; atEnd: number; realSent: number } {
  let seq = 0;
  let peak = 0;
  for (let i = 0; i < sources.length; i++) {
    h.advance(i * FLOOD_STEP_MS);
    h.m.onData(link, pkt(sources[i] as string, i));
    if (i % REAL_EVERY === 0) h.m.onData('P', pkt('S', seq++));
    if (i % 1000 === 0) peak = Math.max(peak, tracked());
  }
  const afterFlood = tracked();
  const end = sources.length * FLOOD_STEP_MS + IDLE_MS + 1000;
  for (let t = Math.ceil(sources.length * FLOOD_STEP_MS); t <= end; t += 20) {
    h.advance(t);
    h.m.onData('P', pkt('S', seq++));
  }
  return { afterFlood, peak: Math.max(peak, afterFlood), atEnd: tracked(), realSent: seq };
}

describe('a flood of packets naming new source SCXs', { timeout: 120_000 }, () => {
  it('forward, from a link that is not the upstream: no state, the real source flows', (t) => {
    const sources = randomSources(FLOOD, rng(testSeed(t, 0x5eed)));
    const h = scx(false, (ctx) => new ForwardModule(ctx));
    const m = h.m as ForwardModule;
    const r = flood(h, 'N', sources, () => m.trackedSources);
    t.diagnostic(`tracked sources after the flood ${r.afterFlood} (peak ${r.peak}), at the end ${r.atEnd}`);
    assert.equal(r.peak, 1, 'only the real source is tracked');
    assert.equal(h.drops['not-upstream'], FLOOD);
    assert.deepEqual(h.real, [...Array(r.realSent).keys()], 'every packet of the real source, in order');
    assert.equal(h.deliveredOther(), 0);
  });

  it('forward, from the upstream of sources the routing table does not know: no state', (t) => {
    const sources = randomSources(FLOOD, rng(testSeed(t, 0x5eed + 1)));
    const h = scx(false, (ctx) => new ForwardModule(ctx));
    const m = h.m as ForwardModule;
    const r = flood(h, 'P', sources, () => m.trackedSources);
    t.diagnostic(`tracked sources after the flood ${r.afterFlood} (peak ${r.peak}), at the end ${r.atEnd}`);
    assert.equal(r.peak, 1);
    assert.equal(h.drops['not-upstream'], FLOOD);
    assert.deepEqual(h.real, [...Array(r.realSent).keys()]);
  });

  it('forward, from the upstream of sources the routing table knows: at most maxSources, then they expire', (t) => {
    const sources = randomSources(FLOOD, rng(testSeed(t, 0x5eed + 2)));
    const h = scx(true, (ctx) => new ForwardModule(ctx));
    const m = h.m as ForwardModule;
    const r = flood(h, 'P', sources, () => m.trackedSources);
    t.diagnostic(`tracked sources after the flood ${r.afterFlood} (peak ${r.peak}), at the end ${r.atEnd}`);
    t.diagnostic(`refused ${m.stats.sourcesRefused}, expired ${m.stats.sourcesExpired}`);
    assert.ok(r.peak <= CAP, `${r.peak} sources tracked`);
    assert.equal(r.afterFlood, CAP);
    assert.equal(m.stats.sourcesRefused, FLOOD - (CAP - 1), 'the real source holds one place from the start');
    assert.equal(h.drops.overflow, m.stats.sourcesRefused);
    assert.equal(m.counters().sourcesRefused, m.stats.sourcesRefused);
    assert.equal(r.atEnd, 1, 'the flood sources expired; the real source, still sending, did not');
    assert.equal(m.stats.sourcesExpired, CAP - 1);
    assert.equal(m.heldPackets, 0);
    assert.deepEqual(h.real, [...Array(r.realSent).keys()], 'every packet of the real source, in order');
  });

  it('reliable (forward inside), the same flood from the upstream: at most maxSources, then they expire', (t) => {
    const sources = randomSources(FLOOD, rng(testSeed(t, 0x5eed + 3)));
    const h = scx(true, (ctx) => new ReliableModule(ctx));
    const m = h.m as ReliableModule;
    const r = flood(h, 'P', sources, () => Math.max(m.stateSize().sources, m.stateSize().forwardSources));
    const size = m.stateSize();
    t.diagnostic(`tracked sources after the flood ${r.afterFlood} (peak ${r.peak}), at the end ${r.atEnd}`);
    t.diagnostic(`state at the end ${JSON.stringify(size)}`);
    assert.ok(r.peak <= CAP, `${r.peak} sources tracked`);
    assert.equal(r.atEnd, 1);
    assert.equal(m.counters().forwardSourcesRefused, FLOOD - (CAP - 1));
    assert.ok(size.cachedPackets <= 1024, `${size.cachedPackets} packets cached`);
    assert.deepEqual(h.real, [...Array(r.realSent).keys()], 'every packet of the real source, in order');
  });
});
