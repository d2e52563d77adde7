import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcceptLimits, type AcceptSlot } from '../../src/net/accept-limits.ts';

const slot = (s: ReturnType<AcceptLimits['admit']>): AcceptSlot => {
  assert.equal(typeof s, 'object', `refused: ${String(s)}`);
  return s as AcceptSlot;
};

describe('accept limits', () => {
  it('refuses past the per-IP bound, and frees the slot when a connection closes', () => {
    const l = new AcceptLimits({ connectionsPerIp: 2, connectionsTotal: 10, pendingHandshakes: 10 });
    const a = slot(l.admit('10.0.0.1'));
    slot(l.admit('10.0.0.1'));
    assert.equal(l.admit('10.0.0.1'), 'per_ip');
    slot(l.admit('10.0.0.2'));
    a.release();
    slot(l.admit('10.0.0.1'));
    assert.deepEqual(l.refused, { per_ip: 1, total: 0, pending_handshakes: 0 });
  });

  it('refuses past the total, and past the pending handshakes until one sends its hello', () => {
    const l = new AcceptLimits({ connectionsPerIp: 10, connectionsTotal: 3, pendingHandshakes: 2 });
    const a = slot(l.admit('a'));
    slot(l.admit('b'));
    assert.equal(l.admit('c'), 'pending_handshakes');
    a.handshaken();
    a.handshaken();
    assert.equal(l.pending, 1, 'a hello counted twice');
    slot(l.admit('c'));
    assert.equal(l.admit('d'), 'total');
    assert.deepEqual(l.refused, { per_ip: 0, total: 1, pending_handshakes: 1 });
  });

  it('keeps no state for closed connections, however often a slot is released', () => {
    const l = new AcceptLimits({ connectionsPerIp: 5, connectionsTotal: 1000, pendingHandshakes: 1000 });
    const slots = Array.from({ length: 500 }, (_, i) => slot(l.admit(`10.0.${i % 100}.1`)));
    assert.equal(l.ips, 100);
    for (const [i, s] of slots.entries()) {
      if (i % 2 === 0) s.handshaken();
      s.release();
      s.release();
    }
    assert.deepEqual([l.open, l.pending, l.ips], [0, 0, 0]);
  });
});
