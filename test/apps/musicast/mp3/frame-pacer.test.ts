import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../../src/core/random.ts';
import { frameDurationMs } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { FramePacer } from '../../../../src/apps/musicast/mp3/frame-pacer.ts';
import { testSeed } from '../../../support/seed.ts';

/** 1152 samples at 44.1 kHz: 26.12 ms. */
const FRAME_MS = frameDurationMs({ samplesPerFrame: 1152, sampleRate: 44100 });

describe('FramePacer', () => {
  it('nothing is due before start or after reset; the first frame is due at start', () => {
    const pacer = new FramePacer();
    assert.equal(pacer.due(1000, FRAME_MS), 0);
    assert.equal(pacer.started, false);
    pacer.start(1000);
    assert.equal(pacer.due(1000, FRAME_MS), 1);
    assert.equal(pacer.due(1000, FRAME_MS), 0);
    assert.equal(pacer.due(1000 + FRAME_MS - 0.001, FRAME_MS), 0);
    assert.equal(pacer.due(1000 + FRAME_MS, FRAME_MS), 1);
    assert.equal(pacer.due(1000 + 10 * FRAME_MS + 1, FRAME_MS), 9);
    pacer.reset();
    assert.equal(pacer.started, false);
    assert.equal(pacer.due(5000, FRAME_MS), 0);
  });

  it('polled with any jitter, it sends exactly real time: frames due = floor(elapsed / duration) + 1', (t) => {
    const rng = new Random(testSeed(t, 0x9ace));
    const pacer = new FramePacer();
    pacer.start(0);
    let now = 0;
    let sent = 0;
    for (let i = 0; i < 5000; i++) {
      now += rng.next() * 60;
      sent += pacer.due(now, FRAME_MS);
      assert.equal(sent, Math.floor(now / FRAME_MS + 1e-9) + 1, `at ${now} ms`);
    }
  });

  it('a change of frame duration takes effect from the next frame', () => {
    const pacer = new FramePacer();
    pacer.start(0);
    assert.equal(pacer.due(0, 26), 1);
    assert.equal(pacer.due(30, 72), 1, 'the frame due at 26 ms');
    assert.equal(pacer.due(97, 72), 0, 'the next one is due at 26 + 72 = 98 ms');
    assert.equal(pacer.due(98, 72), 1);
  });

  it('after a stall longer than maxLagMs, it catches up at most maxLagMs of frames and says what it skipped', () => {
    const pacer = new FramePacer({ maxLagMs: 100 });
    pacer.start(0);
    assert.equal(pacer.due(0, 10), 1);
    const n = pacer.due(10_000, 10);
    assert.ok(n >= 10 && n <= 11, `${n} frames after a 10-s stall`);
    assert.equal(pacer.skippedMs + n * 10, 10_000);
    assert.equal(pacer.due(10_000, 10), 0);
    assert.equal(pacer.due(10_010, 10), 1, 'real time again');
  });

  it('answers 0 for a duration or a time that is not a number', () => {
    const pacer = new FramePacer();
    pacer.start(0);
    for (const d of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(pacer.due(100, d), 0, String(d));
    assert.equal(pacer.due(Number.NaN, FRAME_MS), 0);
    assert.equal(pacer.due(-5, FRAME_MS), 0);
    assert.equal(pacer.due(0, FRAME_MS), 1);
  });
});
