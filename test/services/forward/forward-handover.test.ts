import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardModule } from '../../../src/services/forward/forward.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import type { ChannelContext, LinkId } from '../../../src/transport/service-module.ts';

/** One SCX's forward module with a hand-driven clock and tree: source S reached via `upstream`. */
function scx() {
  const state = { now: 0, upstream: 'P' as LinkId | undefined, wake: undefined as number | undefined };
  const delivered: number[] = [];
  const silent: LinkId[] = [];
  const controls: LinkId[] = [];
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => state.now,
    upstream: () => state.upstream,
    downstream: () => [],
    links: () => ['P', 'U'],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: () => undefined,
    sendControl: (link) => void controls.push(link),
    sendClientControl: () => undefined,
    deliver: (p) => delivered.push(p.header.seq),
    drop: () => undefined,
    wakeAt: (at) => (state.wake = at),
    upstreamSilent: (link) => void silent.push(link),
  };
  return { m: new ForwardModule(ctx, { handoverMs: 3000, stallMs: 500 }), state, delivered, silent, controls };
}

function pkt(seq: number): DataPacket {
  return encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'c', sourceScx: 'S' }, new Uint8Array(4));
}

describe('forward: the end of a handover', () => {
  it('a previous upstream that stalls while packets wait ends the handover after stallMs, not handoverMs', () => {
    const { m, state, delivered } = scx();
    for (let s = 0; s < 5; s++) m.onData('P', pkt(s));
    state.upstream = 'U';
    m.onUpstreamChange('S', 'U', 'P');
    state.now = 10;
    m.onData('U', pkt(8)); // ahead: 5..7 were lost above us
    m.onData('U', pkt(9));
    assert.deepEqual(delivered, [0, 1, 2, 3, 4], 'held while the previous upstream may still fill in');
    assert.equal(state.wake, 500, 'woken when the previous upstream has been silent for stallMs');
    state.now = 500;
    m.handleTimeout(500);
    assert.deepEqual(delivered, [0, 1, 2, 3, 4, 8, 9]);
  });

  it('a previous upstream that keeps delivering fills the gap, and the switch is seamless', () => {
    const { m, state, delivered } = scx();
    for (let s = 0; s < 5; s++) m.onData('P', pkt(s));
    state.upstream = 'U';
    m.onUpstreamChange('S', 'U', 'P');
    m.onData('U', pkt(7));
    for (let s = 5; s < 7; s++) {
      state.now += 300;
      m.onData('P', pkt(s));
    }
    m.onData('U', pkt(8));
    assert.deepEqual(delivered, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a new upstream that sends nothing while the previous one delivers is reported silent, and the previous kept', () => {
    const { m, state, delivered, silent, controls } = scx();
    for (let s = 0; s < 5; s++) m.onData('P', pkt(s));
    state.upstream = 'U';
    m.onUpstreamChange('S', 'U', 'P');
    for (let s = 5; s < 30; s++) {
      state.now = (s - 4) * 100;
      m.onData('P', pkt(s)); // the previous upstream still delivers; U never does
    }
    state.now = 3000;
    m.handleTimeout(state.now);
    assert.deepEqual(silent, ['U']);
    assert.deepEqual(controls, [], 'the previous upstream was released though the new one never delivered');
    assert.equal(m.stats.upstreamsSilent, 1);
    assert.equal(delivered.length, 30);
  });

  it('a handover in which neither upstream delivers (an idle source) reports nothing', () => {
    const { m, state, silent, controls } = scx();
    for (let s = 0; s < 5; s++) m.onData('P', pkt(s));
    state.upstream = 'U';
    m.onUpstreamChange('S', 'U', 'P');
    state.now = 3000;
    m.handleTimeout(state.now);
    assert.deepEqual(silent, []);
    assert.deepEqual(controls, ['P'], 'an ordinary handover ends with a RELEASE to the previous upstream');
  });
});
