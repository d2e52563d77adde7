import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { Outbox, type Frame } from '../../../../src/apps/whiteboard/edge/outbox.ts';
import { until } from './board-socket.ts';

/** A socket stand-in: records what is sent; `bufferedAmount` is what the test says is unsent. */
function fakeSocket(): { ws: WebSocket; sent: Frame[]; set(buffered: number): void } {
  const state = { bufferedAmount: 0, readyState: 1, OPEN: 1, sent: [] as Frame[] };
  const ws = { get bufferedAmount() { return state.bufferedAmount; }, get readyState() { return state.readyState; }, OPEN: 1, send: (f: Frame) => void state.sent.push(f) };
  return { ws: ws as unknown as WebSocket, sent: state.sent, set: (b) => void (state.bufferedAmount = b) };
}

const LIMITS = { lowWaterBytes: 100, maxQueued: 3, stallMs: 60_000 };

describe('a browser\'s outbox', () => {
  it('keeps order across frames ready now, frames that come later and a lazy backlog', async () => {
    const s = fakeSocket();
    const box = new Outbox(s.ws, LIMITS, () => assert.fail('cut'));
    let release: (f: readonly Frame[]) => void = () => undefined;
    box.push({ frames: ['a'] });
    box.push({ later: new Promise((r) => (release = r)) });
    const backlog = ['c', 'd'];
    box.push({ pull: () => (backlog.length ? [backlog.shift() as string] : undefined) });
    box.push({ frames: ['e'] });
    assert.deepEqual(s.sent, ['a']);
    release(['b', Buffer.from('B')]);
    await until(() => s.sent.length === 6, 2000, 'every frame');
    assert.deepEqual(s.sent.map(String), ['a', 'b', 'B', 'c', 'd', 'e']);
  });

  it('waits while the socket holds more than its low water, and cuts a browser that lets too much queue up', async () => {
    const s = fakeSocket();
    let cut = 0;
    const box = new Outbox(s.ws, LIMITS, () => void cut++);
    s.set(1000);
    for (const f of ['a', 'b', 'c']) box.push({ frames: [f] });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(s.sent, [], 'sent past the low water');
    s.set(0);
    await until(() => s.sent.length === 3, 2000, 'the queue to drain');
    s.set(1000);
    for (const f of ['d', 'e', 'f']) box.push({ frames: [f] });
    assert.equal(cut, 0);
    box.push({ frames: ['g'] });
    assert.equal(cut, 1);
    box.push({ frames: ['h'] });
    s.set(0);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(s.sent, ['a', 'b', 'c'], 'a cut browser was sent more');
    assert.equal(cut, 1);
  });
});
