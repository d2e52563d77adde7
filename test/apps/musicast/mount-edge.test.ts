import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MountEdge } from '../../../src/apps/musicast/mount-edge.ts';
import { RtpFramer } from '../../../src/apps/musicast/rtp-framer.ts';
import { Mp3FrameSplitter, type Mp3Frame } from '../../../src/apps/musicast/mp3/frame-splitter.ts';
import { parseMp3Header } from '../../../src/services/rtp/wire/mp3-header.ts';
import { encodeRtcp, SDES_NOTE } from '../../../src/services/rtp/wire/rtcp.ts';
import { Random } from '../../../src/core/random.ts';
import { testSeed } from '../../support/seed.ts';

const FIXTURE = new URL('../../fixtures/musicast/sine-128k-stereo-bare.mp3', import.meta.url);
const MONO = new URL('../../fixtures/musicast/sine-64k-mono-22050.mp3', import.meta.url);

function framesOf(file: URL): Mp3Frame[] {
  const s = new Mp3FrameSplitter();
  return [...s.push(readFileSync(file)), ...s.flush()];
}

/** A source as a mount's SCX sends it: its frames as RTP/MPA payloads, and its RTCP. */
class Source {
  private readonly framer = new RtpFramer();
  constructor(readonly name: string) {}
  rtp(f: Mp3Frame): Buffer[] {
    return this.framer.packetsOf(f.bytes, f.header.sampleRate, f.header.samplesPerFrame);
  }
  title(text: string): Buffer {
    return encodeRtcp([
      { type: 'SR', ssrc: this.framer.ssrc, ntpSec: 0, ntpFrac: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: [] },
      { type: 'SDES', chunks: [{ ssrc: this.framer.ssrc, items: [{ type: SDES_NOTE, text }] }] },
    ]);
  }
  bye(): Buffer {
    return encodeRtcp([{ type: 'RR', ssrc: this.framer.ssrc, reports: [] }, { type: 'BYE', ssrcs: [this.framer.ssrc] }]);
  }
}

/** An edge on a hand-driven clock, recording what it plays. */
function edge(fallback: Buffer[] = []) {
  const played: Buffer[] = [];
  const titles: string[] = [];
  const clock = { now: 1000 };
  const e = new MountEdge({ bitrateKbps: 128, stallMs: 1000, fallback, frame: (b) => played.push(b), title: (t) => titles.push(t), clock: () => clock.now });
  const feed = (s: Source, frames: readonly Mp3Frame[], stepMs = 26): void => {
    for (const f of frames) {
      for (const p of s.rtp(f)) e.onPayload(s.name, p);
      clock.now += stepMs;
    }
  };
  /** Ticks every 20 ms for `ms`, as the node's timer does. */
  const run = (ms: number): void => {
    for (let t = 0; t < ms; t += 20) {
      clock.now += 20;
      e.tick();
    }
  };
  return { e, played, titles, clock, feed, run };
}

describe('a mount edge', () => {
  const frames = framesOf(FIXTURE);

  it('plays a live source byte for byte, and nothing else while it is live', () => {
    const { e, played, feed } = edge();
    const s = new Source('radio:1@a:1');
    feed(s, frames.slice(0, 20));
    e.tick();
    assert.deepEqual(played, frames.slice(0, 20).map((f) => f.bytes));
    assert.equal(e.source, 'radio:1@a:1');
    assert.equal(e.counters.fillFrames, 0);
  });

  it('fills a stalled source in real time with silent frames of the stream\'s own format, and switches back on a frame boundary', () => {
    const { e, played, feed, run } = edge();
    const s = new Source('radio:1@a:1');
    const mono = framesOf(MONO);
    feed(s, mono.slice(0, 10));
    run(940);
    assert.equal(played.length, 10, 'nothing filled within the stall time');
    run(60);
    const before = played.length;
    run(2000);
    const duration = 576 / 22.05; // MPEG-2 Layer III: 576 samples a frame
    const filled = played.slice(before);
    assert.ok(Math.abs(filled.length - 2000 / duration) <= 2, `${filled.length} silent frames in 2 s of ${duration.toFixed(1)}-ms frames`);
    for (const f of filled) {
      const h = parseMp3Header(f, 0)!;
      assert.equal(h.sampleRate, 22050);
      assert.equal(h.bitrateKbps, 64);
      assert.equal(h.channels, 1);
    }
    assert.equal(e.source, undefined);
    feed(s, mono.slice(10, 12));
    assert.deepEqual(played.slice(-2), mono.slice(10, 12).map((f) => f.bytes));
    assert.equal(e.source, 'radio:1@a:1');
    assert.equal(e.counters.outages, 1);
  });

  it('fills at once after a BYE, without waiting for the stall time', () => {
    const { e, clock, feed } = edge();
    const s = new Source('radio:1@a:1');
    feed(s, frames.slice(0, 5));
    e.onPayload(s.name, s.bye());
    clock.now += 100;
    e.tick();
    assert.equal(e.source, undefined);
    assert.ok(e.counters.fillFrames >= 1);
  });

  it('plays the best-priority live source: a backup while the primary is gone, the primary again once it delivered a few frames', () => {
    const { e, played, clock, feed } = edge();
    const primary = new Source('radio:1@a:1');
    const backup = new Source('radio:2@b:1');
    feed(primary, frames.slice(0, 5));
    feed(backup, frames.slice(20, 25));
    assert.equal(e.source, primary.name, 'the backup is not played while the primary is live');
    assert.equal(played.length, 5);
    clock.now += 1100;
    feed(backup, frames.slice(25, 27));
    assert.equal(e.source, backup.name, 'the backup takes over once the primary stalled');
    feed(primary, frames.slice(5, 8));
    feed(backup, frames.slice(27, 28));
    assert.equal(e.source, backup.name, 'three frames of a returning primary are not enough');
    feed(primary, frames.slice(8, 9));
    assert.equal(e.source, primary.name);
    assert.equal(e.counters.switches, 3);
  });

  it('follows the playing source to another bitrate without a fill: an SCX above stepped this branch down', () => {
    const { e, played, titles, feed, run } = edge();
    const original = new Source('radio:1@a:1');
    const tier = new Source('radio:1@a:1~64k');
    const mono = framesOf(MONO);
    feed(original, frames.slice(0, 5));
    feed(tier, mono.slice(0, 3), 40);
    assert.equal(e.source, original.name, 'three frames are not enough');
    feed(tier, mono.slice(3, 6), 40);
    assert.equal(e.source, tier.name);
    assert.equal(e.counters.fillFrames, 0);
    assert.deepEqual(played.slice(-2), mono.slice(4, 6).map((f) => f.bytes));
    e.onPayload(original.name, original.title('Artist - Tiered'));
    assert.deepEqual(titles, ['Artist - Tiered'], 'RTCP under the original\'s name titles its tiers');
    e.onPayload(original.name, original.bye());
    run(20);
    assert.equal(e.source, undefined, 'the original\'s BYE ends its tiers too');
  });

  it('takes the title from the playing source only', () => {
    const { e, titles, feed } = edge();
    const primary = new Source('radio:1@a:1');
    const backup = new Source('radio:2@b:1');
    feed(primary, frames.slice(0, 2));
    e.onPayload(backup.name, backup.title('Backup - Song'));
    e.onPayload(primary.name, primary.title('Artist - One'));
    e.onPayload(primary.name, primary.title('Artist - One'));
    assert.deepEqual(titles, ['Artist - One']);
  });

  it('loops the fallback file during an outage', () => {
    const fallback = framesOf(MONO).slice(0, 3).map((f) => f.bytes);
    const { played, run } = edge(fallback);
    run(500);
    assert.ok(played.length >= 9, `${played.length} frames in 500 ms`);
    assert.deepEqual(played.slice(0, 6), [...fallback, ...fallback]);
  });

  it('counts what is neither RTP/MPA nor RTCP, and never throws', (t) => {
    const seed = testSeed(t, 14);
    const rnd = new Random(seed);
    const { e, played } = edge();
    for (let i = 0; i < 20_000; i++) {
      const p = Buffer.alloc(rnd.int(65));
      for (let k = 0; k < p.length; k++) p[k] = rnd.int(256);
      if (p.length > 1 && i % 3 === 0) p[0] = 0x80; // version 2: past the first check
      e.onPayload(`radio:${i % 12}@x:${i % 40}`, p);
    }
    assert.ok(e.counters.malformed > 10_000);
    assert.ok(played.every((f) => parseMp3Header(f, 0) !== undefined), 'only whole frames are played');
  });
});
