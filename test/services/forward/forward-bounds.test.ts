/**
 * The forward module's state stays bounded: it is created only for a packet that passed the upstream check,
 * forgotten after `sourceIdleMs` without a packet (at the next upcall: no timer of its own), and at most
 * `maxSources` sources are tracked. Driven with a fake ChannelContext and a virtual clock (its timer run as the
 * ChannelRuntime runs it).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardModule, type ForwardOptions } from '../../../src/services/forward/forward.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import type { ChannelContext, DropReason, LinkId } from '../../../src/transport/service-module.ts';
import { advanceClock } from '../../support/virtual-clock.ts';

/** One SCX 'X' whose routing table knows the sources in `routes` (source -> upstream link). */
function scx(options: ForwardOptions = {}) {
  const routes = new Map<string, LinkId>([['S', 'P']]);
  const clock = { now: 0, wake: undefined as number | undefined };
  const delivered: string[] = [];
  const drops: Partial<Record<DropReason, number>> = {};
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => clock.now,
    upstream: (source) => routes.get(source),
    downstream: () => ['D'],
    links: () => ['P', 'U', 'N', 'D'],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: () => undefined,
    sendControl: () => undefined,
    sendClientControl: () => undefined,
    deliver: (p) => delivered.push(`${p.header.sourceScx}#${p.header.seq}`),
    drop: (reason) => (drops[reason] = (drops[reason] ?? 0) + 1),
    wakeAt: (at) => (clock.wake = at),
    upstreamSilent: () => undefined,
  };
  const m = new ForwardModule(ctx, options);
  /** Moves the clock to `to`, running every deadline met on the way. */
  const advance = (to: number): void => advanceClock(clock, to, (at) => m.handleTimeout(at));
  /** Any upcall: a stray packet from a link that is not upstream. */
  const poke = (): void => m.onData('N', pkt('stray', 0));
  return { m, routes, clock, delivered, drops, advance, poke };
}

function pkt(sourceScx: string, seq: number): DataPacket {
  return encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'c', sourceScx }, new Uint8Array(4));
}

describe('forward: per-source state is created only after the upstream check', () => {
  it('a packet from a link that is not the upstream creates nothing', () => {
    const { m, drops } = scx();
    m.onData('N', pkt('S', 0)); // a known source, from the wrong link
    m.onData('N', pkt('R', 0)); // a source the routing table does not know
    m.onData('P', pkt('R', 0)); // ... even from the link that is S's upstream
    m.onData('local', pkt('R', 0)); // a local packet naming another SCX as its source
    assert.equal(m.trackedSources, 0);
    assert.equal(drops['not-upstream'], 4);
    assert.deepEqual(m.counters(), { sourcesRefused: 0, sourcesExpired: 0, upstreamsSilent: 0 });
  });

  it('route and tree changes of an untracked source create nothing; its first packet takes the tree then', () => {
    const { m, routes, delivered } = scx();
    m.onUpstreamChange('S', 'U', 'P');
    m.onDownstreamChange('S', ['D']);
    m.onUpstreamChange('Q', 'P', undefined);
    assert.equal(m.trackedSources, 0);
    routes.set('S', 'U');
    m.onData('U', pkt('S', 7));
    assert.equal(m.trackedSources, 1);
    assert.deepEqual(delivered, ['S#7']);
  });

  it('a local source at its own SCX is tracked', () => {
    const { m, delivered } = scx();
    m.onData('local', pkt('X', 0));
    assert.equal(m.trackedSources, 1);
    assert.deepEqual(delivered, ['X#0']);
  });
});

describe('forward: idle source state expires', () => {
  it('after sourceIdleMs without a packet, and not before; no timer is armed for it', () => {
    const { m, clock, advance, poke, delivered } = scx({ sourceIdleMs: 60_000 });
    m.onData('P', pkt('S', 0));
    assert.equal(clock.wake, undefined, 'expiry needs no timer: the next upcall does it');
    advance(30_000);
    m.onData('P', pkt('S', 1)); // keeps it alive
    advance(60_000);
    poke();
    assert.equal(m.trackedSources, 1, 'a packet 30 s ago: still tracked');
    advance(89_999);
    poke();
    assert.equal(m.trackedSources, 1);
    advance(90_000);
    poke();
    assert.equal(m.trackedSources, 0);
    assert.equal(m.stats.sourcesExpired, 1);
    assert.equal(clock.wake, undefined);
    // The source comes back: a fresh state, its packets flow again.
    m.onData('P', pkt('S', 2));
    assert.equal(m.trackedSources, 1);
    assert.deepEqual(delivered, ['S#0', 'S#1', 'S#2']);
  });

  it('a state in a handover (or with a lingering link) waits for it to end', () => {
    const { m, routes, clock, advance, poke } = scx({ sourceIdleMs: 1000, handoverMs: 3000 });
    m.onData('P', pkt('S', 0));
    routes.set('S', 'U');
    m.onUpstreamChange('S', 'U', 'P'); // handover until 3000
    m.onDownstreamChange('S', []); // 'D' lingers until 3000
    advance(2999);
    poke();
    assert.equal(m.trackedSources, 1, 'idle for 2999 ms > sourceIdleMs, yet the handover runs on');
    advance(3000); // the handover's timeout ends it, then expires the state
    assert.equal(m.trackedSources, 0, 'expired once the handover and lingering ended');
    assert.equal(m.stats.sourcesExpired, 1);
    assert.equal(clock.wake, undefined);
  });

  it('many sources active at different times each expire on time', () => {
    const { m, routes, advance, poke } = scx({ sourceIdleMs: 100 });
    for (let i = 0; i < 10; i++) {
      routes.set(`s${i}`, 'P');
      advance(i * 10);
      m.onData('P', pkt(`s${i}`, 0));
    }
    advance(150);
    poke();
    assert.equal(m.trackedSources, 4, 'sources last seen at 60..90 ms remain');
    advance(170);
    m.onControl('P', new Uint8Array([1, 0x78])); // any upcall: a RELEASE for a source never seen
    assert.equal(m.trackedSources, 2);
    advance(190);
    poke();
    assert.equal(m.trackedSources, 0);
    assert.equal(m.stats.sourcesExpired, 10);
  });

  it('make-before-break still works: the previous upstream is accepted during the handover', () => {
    const { m, routes, delivered } = scx();
    for (let s = 0; s < 3; s++) m.onData('P', pkt('S', s));
    routes.set('S', 'U');
    m.onUpstreamChange('S', 'U', 'P');
    m.onData('P', pkt('S', 3));
    m.onData('U', pkt('S', 4));
    assert.deepEqual(delivered, ['S#0', 'S#1', 'S#2', 'S#3', 'S#4']);
    m.onData('P', pkt('S', 5));
    assert.deepEqual(delivered.length, 5, 'the handover ended: the previous upstream is refused again');
  });
});

describe('forward: at most maxSources sources', () => {
  it('a packet of one source more is dropped and counted; tracked sources flow on', () => {
    const { m, routes, delivered, drops, advance } = scx({ maxSources: 3, sourceIdleMs: 1000 });
    for (const s of ['a', 'b', 'c', 'd']) routes.set(s, 'P');
    for (const s of ['a', 'b', 'c']) m.onData('P', pkt(s, 0));
    m.onData('P', pkt('d', 0));
    m.onData('P', pkt('d', 1));
    assert.equal(m.trackedSources, 3);
    assert.equal(m.stats.sourcesRefused, 2);
    assert.equal(drops.overflow, 2);
    assert.deepEqual(m.counters(), { sourcesRefused: 2, sourcesExpired: 0, upstreamsSilent: 0 });
    m.onData('P', pkt('a', 1));
    assert.deepEqual(delivered, ['a#0', 'b#0', 'c#0', 'a#1']);
    // Once 'b' and 'c' go idle they make room: the packet of 'd' that comes then forgets them first.
    advance(500);
    m.onData('P', pkt('a', 2));
    advance(1000);
    m.onData('P', pkt('d', 2));
    assert.equal(m.trackedSources, 2);
    assert.equal(m.stats.sourcesExpired, 2);
    assert.deepEqual(delivered.slice(-2), ['a#2', 'd#2']);
  });
});
