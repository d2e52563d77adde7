import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkShare } from '../../src/transport/link-share.ts';
import { LinkScheduler } from '../../src/transport/scheduler.ts';
import { sizedPacket } from '../support/packets.ts';

describe('the hierarchical fair share of a link (H-SFQ)', () => {
  it('shares the link among backlogged sessions by weight, whatever their packet sizes', () => {
    const share = new LinkShare();
    const queues = [new LinkScheduler(), new LinkScheduler(), new LinkScheduler()];
    const sizes = [1200, 300, 700];
    queues.forEach((q, k) => share.attach([`s${k}`, '1'], q, [[1, 2, 1][k] as number]));
    const bytes = [0, 0, 0];
    for (let round = 0; round < 20_000; round++) {
      queues.forEach((q, k) => {
        while (q.length < 4) q.enqueue(sizedPacket(round, sizes[k] as number, `s${k}`));
      });
      const next = share.next();
      assert.ok(next);
      const k = Number((next.path[0] as string).slice(1));
      bytes[k] = (bytes[k] as number) + next.packet.bytes.length;
    }
    const total = bytes.reduce((a, b) => a + b, 0);
    const shares = bytes.map((b) => b / total);
    [0.25, 0.5, 0.25].forEach((want, k) => assert.ok(Math.abs((shares[k] as number) - want) < 0.01, `session ${k} got ${shares[k]}, expected ${want}`));
  });

  it('gives a lone backlogged member the whole link, and an idle one no credit for its idle time', () => {
    const share = new LinkShare();
    const a = new LinkScheduler();
    const b = new LinkScheduler();
    share.attach(['a', '1'], a);
    share.attach(['b', '1'], b);
    for (let i = 0; i < 100; i++) a.enqueue(sizedPacket(i, 500, 'a'));
    for (let i = 0; i < 50; i++) assert.equal(share.next()?.path[0], 'a');
    for (let i = 0; i < 100; i++) b.enqueue(sizedPacket(i, 500, 'b'));
    // b has been idle: it starts at the current virtual time, not at 0, so it gets half the link, not all of it.
    const next10 = Array.from({ length: 10 }, () => share.next()?.path[0]);
    assert.equal(next10.filter((s) => s === 'b').length, 5);
  });

  it('shares within a session among its channels by their weights', () => {
    const share = new LinkShare();
    const c1 = new LinkScheduler();
    const c2 = new LinkScheduler();
    const other = new LinkScheduler();
    share.attach(['s', '1'], c1, [1, 3]);
    share.attach(['s', '2'], c2, [1, 1]);
    share.attach(['t', '1'], other, [1, 1]);
    const got = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      for (const q of [c1, c2, other]) while (q.length < 2) q.enqueue(sizedPacket(i, 500));
      const path = share.next()?.path.join('/') as string;
      got.set(path, (got.get(path) ?? 0) + 1);
    }
    // Session t gets half; session s's half splits 3:1 between its channels.
    assert.ok(Math.abs((got.get('t/1') ?? 0) / 8000 - 0.5) < 0.01);
    assert.ok(Math.abs((got.get('s/1') ?? 0) / 8000 - 0.375) < 0.01);
    assert.ok(Math.abs((got.get('s/2') ?? 0) / 8000 - 0.125) < 0.01);
  });

  it('detaches members and prunes the levels they leave empty', () => {
    const share = new LinkShare();
    const q = new LinkScheduler();
    share.attach(['s', '1'], q);
    q.enqueue(sizedPacket(0, 10));
    share.detach(['s', '1']);
    assert.equal(share.backlogged, false);
    assert.equal(share.next(), undefined);
    assert.throws(() => share.attach(['s', '1'], q, [0]), RangeError);
  });
});
