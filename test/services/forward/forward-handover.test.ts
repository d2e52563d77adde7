import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardModule } from '../../../src/services/forward/forward.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import type { ChannelContext, LinkId } from '../../../src/transport/service-module.ts';

/** One SCX's forward module with a hand-driven clock and tree: source S reached via `upstream`. */
function scx() {
  const state = { now: 0, upstream: 'P' as LinkId | undefined, wake: undefined as number | undefined };
  const delivered: number[] = [];
  const ctx: ChannelContext = {
    self: 'X',
    channel: 1,
    now: () => state.now,
    upstream: () => state.upstream,
    downstream: () => [],
    links: () => ['P', 'U'],
    queuedBytes: () => 0,
    send: () => undefined,
    sendControl: () => undefined,
    deliver: (p) => delivered.push(p.header.seq),
    drop: () => undefined,
    wakeAt: (at) => (state.wake = at),
  };
  return { m: new ForwardModule(ctx, { handoverMs: 3000, stallMs: 500 }), state, delivered };
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
});
