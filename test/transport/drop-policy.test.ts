import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataPacket } from '../../src/session/data-header.ts';
import { checkFactory } from '../../src/transport/registry.ts';
import { LinkScheduler } from '../../src/transport/scheduler.ts';
import { sizedPacket } from '../support/packets.ts';

/** Every packet left in `s`, in order, as seqs. */
function drain(s: LinkScheduler): number[] {
  const out: number[] = [];
  for (let p = s.dequeue(); p; p = s.dequeue()) out.push((p as DataPacket).header.seq);
  return out;
}

describe('the link queue drop policies', () => {
  const size = sizedPacket(0, 100).bytes.length;

  it('tail: a full queue refuses the arriving packet and keeps the oldest', () => {
    const s = new LinkScheduler({ maxQueueBytes: 5 * size });
    const accepted = Array.from({ length: 8 }, (_, i) => s.enqueue(sizedPacket(i, 100)));
    assert.deepEqual(accepted, [true, true, true, true, true, false, false, false]);
    assert.deepEqual(drain(s), [0, 1, 2, 3, 4]);
  });

  it('oldest: a full queue drops its oldest packets of the same class and keeps the freshest', () => {
    const s = new LinkScheduler({ maxQueueBytes: 5 * size, dropPolicy: 'oldest' });
    for (let i = 0; i < 8; i++) assert.equal(s.enqueue(sizedPacket(i, 100)), true);
    assert.equal(s.evicted, 3);
    assert.deepEqual(drain(s), [3, 4, 5, 6, 7]);
  });

  it('lowest-class: enhancement packets make room for base packets, never the reverse', () => {
    const s = new LinkScheduler({ maxQueueBytes: 6 * size, dropPolicy: 'lowest-class', precedence: ['base', 'enh1', 'enh2'] });
    for (let i = 0; i < 2; i++) {
      s.enqueue(sizedPacket(100 + i, 100), 'base');
      s.enqueue(sizedPacket(200 + i, 100), 'enh1');
      s.enqueue(sizedPacket(300 + i, 100), 'enh2');
    }
    // Full. Base evicts enh2's newest first, then enh1's; enh2 arriving finds nothing less important and is refused.
    assert.equal(s.enqueue(sizedPacket(102, 100), 'base'), true);
    assert.equal(s.enqueue(sizedPacket(302, 100), 'enh2'), false);
    assert.equal(s.enqueue(sizedPacket(103, 100), 'base'), true);
    assert.equal(s.enqueue(sizedPacket(104, 100), 'base'), true);
    assert.equal(s.evicted, 3);
    const left = drain(s);
    assert.deepEqual(left.filter((q) => q < 200), [100, 101, 102, 103, 104]);
    assert.deepEqual(left.filter((q) => q >= 300), []);
    assert.equal(left.filter((q) => q >= 200 && q < 300).length, 1);
  });

  it('lowest-class with a single class drops the arriving packet (nothing is less important)', () => {
    const s = new LinkScheduler({ maxQueueBytes: 2 * size, dropPolicy: 'lowest-class' });
    assert.deepEqual([0, 1, 2].map((i) => s.enqueue(sizedPacket(i, 100))), [true, true, false]);
  });
});

describe("a module factory's scheduler options", () => {
  const factory = { names: ['x'], dataTransport: 'tcp', description: 'x', create: () => ({ onData: () => undefined }) };
  it('are checked when the module is registered (ERR_MODULE_INVALID)', () => {
    assert.doesNotThrow(() => checkFactory({ ...factory, scheduler: { dropPolicy: 'lowest-class', precedence: ['a'], weights: { a: 2 }, channelWeight: 3 } }));
    for (const scheduler of [{ dropPolicy: 'random' }, { weights: { a: 0 } }, { maxQueueBytes: -1 }, { channelWeight: Infinity }, { precedence: 'a' }]) {
      assert.throws(() => checkFactory({ ...factory, scheduler }), { code: 'ERR_MODULE_INVALID', message: /scheduler options/ }, JSON.stringify(scheduler));
    }
  });
});
