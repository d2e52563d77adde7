import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Slots } from '../../../../src/apps/whiteboard/adapt/slots.ts';

describe('Slots', () => {
  it('runs at most `concurrency` at once, queues up to maxWaiting, refuses past that', async () => {
    const slots = new Slots(2, 1, () => new Error('full'));
    let peak = 0;
    let live = 0;
    const gates: (() => void)[] = [];
    const task = () =>
      slots.run(async () => {
        live++;
        peak = Math.max(peak, live);
        await new Promise<void>((r) => gates.push(r));
        live--;
        return live;
      });
    const runs = [task(), task(), task()];
    await assert.rejects(task(), /full/);
    await new Promise((r) => setImmediate(r));
    assert.equal(slots.active, 2);
    assert.equal(slots.queued, 1);
    while (gates.length > 0 || live > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(runs);
    assert.equal(peak, 2);
    assert.equal(slots.active, 0);
    assert.equal(slots.queued, 0);
  });

  it('frees the slot when a task throws', async () => {
    const slots = new Slots(1, 0, () => new Error('full'));
    await assert.rejects(slots.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await slots.run(async () => 7), 7);
    assert.throws(() => new Slots(0, 0, () => new Error('x')), RangeError);
  });
});
