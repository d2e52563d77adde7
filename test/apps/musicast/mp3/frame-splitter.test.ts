import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../../src/core/random.ts';
import { Mp3FrameSplitter, type Mp3Frame } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import { silentFrame } from '../../../../src/apps/musicast/mp3/silent-frame.ts';
import { testSeed } from '../../../support/seed.ts';
import { bareFrames, FIXTURES, fixtureBytes, splitAll } from './fixtures.ts';

const hexes = (frames: readonly Mp3Frame[]): string[] => frames.map((f) => f.bytes.toString('hex'));

/** `n` random bytes that do not begin like a frame or a tag ('I', 'T', 0xff): bytes that do are no garbage to a reader in sync. */
function garbage(rng: Random, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  while (out[0] === 0xff || out[0] === 0x49 || out[0] === 0x54) out[0] = rng.int(256);
  return out;
}

/** `bytes` pushed in random chunks of 1..maxChunk bytes, then flushed. */
function splitChunked(bytes: Buffer, rng: Random, maxChunk: number, splitter = new Mp3FrameSplitter()): { frames: Mp3Frame[]; splitter: Mp3FrameSplitter } {
  const frames: Mp3Frame[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + rng.int(maxChunk);
    frames.push(...splitter.push(bytes.subarray(at, at + n)));
    assert.ok(splitter.bufferedBytes <= splitter.maxBufferedBytes, `${splitter.bufferedBytes} buffered`);
    at += n;
  }
  frames.push(...splitter.flush());
  return { frames, splitter };
}

/** An ID3v2 tag of `size` body bytes (major version `major`, `flags`), footer included when flags say so. */
function id3v2(size: number, major = 4, flags = 0): Buffer {
  const synchsafe = [21, 14, 7, 0].map((shift) => (size >> shift) & 0x7f);
  const header = Buffer.from([0x49, 0x44, 0x33, major, 0, flags, ...synchsafe]);
  const footer = flags & 0x10 ? Buffer.from([0x33, 0x44, 0x49, major, 0, flags, ...synchsafe]) : Buffer.alloc(0);
  return Buffer.concat([header, Buffer.alloc(size, 0xff), footer]);
}

describe('Mp3FrameSplitter on ffmpeg fixtures', () => {
  for (const fx of FIXTURES) {
    it(`${fx.file}: ffprobe's ${fx.packets} frames, tags and the Xing frame skipped, every byte accounted for`, () => {
      const bytes = fixtureBytes(fx.file);
      const { frames, splitter } = splitAll(bytes);
      const c = splitter.counters;
      assert.equal(frames.length, fx.packets);
      assert.ok(fx.decodedFrames <= frames.length && frames.length - fx.decodedFrames <= 1);
      assert.deepEqual({ ...c }, { frames: fx.packets, garbageBytes: 0, id3Bytes: fx.id3Bytes, infoFrames: fx.infoFrames, resyncs: 0, oversize: 0 });
      assert.equal(splitter.bufferedBytes, 0);
      for (const f of frames) {
        assert.equal(f.header.version, fx.header.version);
        assert.equal(f.header.sampleRate, fx.header.sampleRate);
        assert.equal(f.header.channelMode, fx.header.channelMode);
        assert.equal(f.bytes.length, f.header.frameBytes);
      }
      assert.equal(frames[0]?.header.bitrateKbps, fx.header.bitrateKbps);
      const audio = frames.reduce((n, f) => n + f.bytes.length, 0);
      const infoBytes = bytes.length - fx.id3Bytes - audio;
      assert.ok(fx.infoFrames === 0 ? infoBytes === 0 : infoBytes > 0 && infoBytes <= 1441, `${infoBytes} bytes of Xing frame`);
      // The audio frames are the file's bytes, in order, after the tag and the Xing frame.
      const start = bytes.indexOf(frames[0]?.bytes as Buffer);
      assert.equal(Buffer.concat(frames.map((f) => f.bytes)).toString('hex'), bytes.subarray(start, start + audio).toString('hex'));
    });
  }

  it('the same audio with and without ID3 and Xing gives the same frames', () => {
    const tagged = splitAll(fixtureBytes('sine-128k-stereo-id3-xing.mp3')).frames;
    assert.deepEqual(hexes(tagged), bareFrames().map((b) => b.toString('hex')));
  });

  it('files back to back (tags and Xing frames mid-stream, 44.1, 48, 44.1 kHz): every frame, a resync at each change of rate', () => {
    const a = fixtureBytes('sine-128k-stereo-id3-xing.mp3');
    const b = fixtureBytes('sine-vbr-stereo-48000.mp3');
    const { frames, splitter } = splitAll(Buffer.concat([a, b, a]));
    assert.deepEqual(hexes(frames), [...hexes(splitAll(a).frames), ...hexes(splitAll(b).frames), ...hexes(splitAll(a).frames)]);
    assert.deepEqual({ ...splitter.counters }, { frames: 40 + 43 + 40, garbageBytes: 0, id3Bytes: 209 + 45 + 209, infoFrames: 3, resyncs: 2, oversize: 0 });
  });
});

describe('Mp3FrameSplitter: chunking, garbage and resync', () => {
  it('random chunk sizes give exactly the frames and counters of one push', (t) => {
    const rng = new Random(testSeed(t, 0x3a9));
    const streams = [...FIXTURES.map((f) => fixtureBytes(f.file)), withGarbage(rng, true).stream, withGarbage(rng, false).stream];
    for (const bytes of streams) {
      const whole = splitAll(bytes);
      for (const maxChunk of [1, 3, 17, 420, 5000]) {
        const chunked = splitChunked(bytes, rng, maxChunk);
        assert.deepEqual(hexes(chunked.frames), hexes(whole.frames), `chunks of up to ${maxChunk}`);
        assert.deepEqual({ ...chunked.splitter.counters }, { ...whole.splitter.counters });
      }
    }
  });

  it('garbage inserted between frames (runs apart) costs no frame: each run is counted, one resync each after the first frame', (t) => {
    const rng = new Random(testSeed(t, 0xbad));
    for (let round = 0; round < 20; round++) {
      const { stream, inserted, runs, leading } = withGarbage(rng, true);
      const { frames, splitter } = splitAll(stream);
      assert.deepEqual(hexes(frames), bareFrames().map((b) => b.toString('hex')));
      assert.equal(splitter.counters.garbageBytes, inserted);
      assert.equal(splitter.counters.resyncs, runs - (leading ? 1 : 0));
    }
  });

  it('garbage inserted anywhere (runs apart) loses only the frames it splits; every other frame comes out intact and in order', (t) => {
    const rng = new Random(testSeed(t, 0x5eed));
    const original = bareFrames().map((b) => b.toString('hex'));
    for (let round = 0; round < 20; round++) {
      const { stream, split } = withGarbage(rng, false);
      const out = hexes(splitAll(stream).frames);
      const intact = original.filter((_, i) => !split.has(i));
      const kept = out.filter((h) => original.includes(h));
      assert.deepEqual(kept, intact, `round ${round}: frames split ${[...split].join(',')}`);
      // A split frame whose header survived comes out with the garbage in it (nothing tells it apart), at most one each.
      assert.ok(out.length - kept.length <= split.size, `${out.length - kept.length} frames not in the original`);
    }
  });

  it('a frame cut short by the end of the stream is garbage; a last frame after garbage is taken only in a known stream', () => {
    const frames = bareFrames();
    const cut = splitAll(Buffer.concat([...frames.slice(0, 3), (frames[3] as Buffer).subarray(0, 100)]));
    assert.equal(cut.frames.length, 3);
    assert.equal(cut.splitter.counters.garbageBytes, 100);
    const noise = Buffer.from('garbage!');
    const after = splitAll(Buffer.concat([...frames.slice(0, 3), noise, frames[3] as Buffer]));
    assert.equal(after.frames.length, 4);
    assert.deepEqual({ ...after.splitter.counters }, { frames: 4, garbageBytes: noise.length, id3Bytes: 0, infoFrames: 0, resyncs: 1, oversize: 0 });
    const alone = splitAll(Buffer.concat([noise, frames[3] as Buffer]));
    assert.equal(alone.frames.length, 0, 'one frame alone is never vouched for');
    assert.equal(alone.splitter.counters.garbageBytes, noise.length + (frames[3] as Buffer).length);
  });

  it('flush ends a stream: the next push starts a new one', () => {
    const splitter = new Mp3FrameSplitter();
    const a = fixtureBytes('sine-64k-mono-22050.mp3');
    const b = fixtureBytes('sine-128k-stereo-id3-xing.mp3');
    assert.equal(splitAll(a, splitter).frames.length, 41);
    assert.equal(splitAll(b, splitter).frames.length, 40);
    assert.equal(splitter.counters.resyncs, 0);
    assert.equal(splitter.counters.id3Bytes, 45 + 209);
  });
});

describe('Mp3FrameSplitter: tags, free format, CRC', () => {
  const frames = bareFrames();
  const audio = Buffer.concat(frames);

  it('skips an ID3v2.4 tag with a footer, an ID3v2.3 tag and an ID3v1 tag', () => {
    const { frames: out, splitter } = splitAll(Buffer.concat([id3v2(300, 4, 0x10), id3v2(20, 3), audio, Buffer.from('TAG'), Buffer.alloc(125)]));
    assert.equal(out.length, frames.length);
    assert.deepEqual({ ...splitter.counters }, { frames: frames.length, garbageBytes: 0, id3Bytes: 320 + 30 + 128, infoFrames: 0, resyncs: 0, oversize: 0 });
  });

  it('skips a 3 MB tag by counting, never buffering it', () => {
    const tag = id3v2(3_000_000);
    const splitter = new Mp3FrameSplitter();
    let out = 0;
    for (let at = 0; at < tag.length; at += 65536) {
      out += splitter.push(tag.subarray(at, at + 65536)).length;
      assert.ok(splitter.bufferedBytes < 10, `${splitter.bufferedBytes} bytes buffered inside a tag`);
    }
    out += splitter.push(audio).length + splitter.flush().length;
    assert.equal(out, frames.length);
    assert.equal(splitter.counters.id3Bytes, tag.length);
  });

  it('a tag declaring more than maxId3Bytes is oversize and scanned as garbage, and the frames after it still come', () => {
    const tag = id3v2(5000);
    const { frames: out, splitter } = splitAll(Buffer.concat([tag, audio]), new Mp3FrameSplitter({ maxId3Bytes: 4096 }));
    assert.equal(out.length, frames.length);
    assert.deepEqual({ ...splitter.counters }, { frames: frames.length, garbageBytes: tag.length, id3Bytes: 0, infoFrames: 0, resyncs: 0, oversize: 1 });
  });

  it('an ID3v2 header with a bad size byte or version is no tag', () => {
    const bad = [Buffer.from('ID3\x04\x00\x00\x00\x00\x80\x00', 'latin1'), Buffer.from('ID3\x05\x00\x00\x00\x00\x00\x00', 'latin1')];
    for (const header of bad) {
      const { frames: out, splitter } = splitAll(Buffer.concat([header, audio]));
      assert.equal(out.length, frames.length);
      assert.equal(splitter.counters.garbageBytes, 10);
      assert.equal(splitter.counters.id3Bytes, 0);
    }
  });

  it('free format (bitrate index 0): lengths from the distance to the next frame, confirmed by the one after, kept through garbage', (t) => {
    // ffmpeg's libmp3lame cannot write free format (and ffmpeg's demuxer refuses it), so the 128 kbit/s fixture's
    // bitrate index is rewritten to 0: the frames keep their 417/418 bytes, which is what a free-format frame of
    // 128 kbit/s at 44.1 kHz measures.
    const free = frames.map((f) => {
      const copy = Buffer.from(f);
      copy[2] = (copy[2] as number) & 0x0f;
      return copy;
    });
    const { frames: out, splitter } = splitAll(Buffer.concat(free));
    assert.deepEqual(hexes(out), free.map((f) => f.toString('hex')));
    assert.ok(out.every((f) => f.header.bitrateKbps === 0 && f.header.frameBytes === 0));
    assert.deepEqual({ ...splitter.counters }, { frames: free.length, garbageBytes: 0, id3Bytes: 0, infoFrames: 0, resyncs: 0, oversize: 0 });
    const rng = new Random(testSeed(t, 0xf4ee));
    const original = free.map((f) => f.toString('hex'));
    for (let round = 0; round < 10; round++) {
      const between = withGarbage(rng, true, free, 2);
      const noisy = splitAll(between.stream);
      assert.deepEqual(hexes(noisy.frames), original);
      assert.equal(noisy.splitter.counters.resyncs, between.runs - (between.leading ? 1 : 0));
      const anywhere = withGarbage(rng, false, free, 2);
      const kept = hexes(splitAll(anywhere.stream).frames).filter((h) => original.includes(h));
      assert.deepEqual(kept, original.filter((_, i) => !anywhere.split.has(i)));
    }
    // The first frame, then garbage: nothing vouches for the first frame, and its length is not learnt from the garbage.
    const first = splitAll(Buffer.concat([free[0] as Buffer, garbage(rng, 200), ...free.slice(1)]));
    assert.deepEqual(hexes(first.frames), original.slice(1));
    // Out of sync, a frame of the known stream followed by garbage measures 417 + 100 bytes: over a 450-byte bound.
    const bounded = new Mp3FrameSplitter({ maxFreeFormatBytes: 450 });
    const over = splitAll(Buffer.concat([...free.slice(0, 10), garbage(rng, 50), free[10] as Buffer, garbage(rng, 100), ...free.slice(11)]), bounded);
    assert.deepEqual(hexes(over.frames), [...original.slice(0, 10), ...original.slice(11)]);
    assert.equal(over.splitter.counters.oversize, 1);
    const tooLong = splitAll(Buffer.concat(free), new Mp3FrameSplitter({ maxFreeFormatBytes: 400 }));
    assert.equal(tooLong.frames.length, 0, 'a 417-byte free-format frame is over a 400-byte bound');
    assert.equal(tooLong.splitter.bufferedBytes, 0);
  });

  it('drops a Fraunhofer VBRI frame (built: ffmpeg writes Xing/Info, which the fixtures cover) as an information frame', () => {
    const vbri = Buffer.from(frames[0] as Buffer);
    vbri.write('VBRI', 36, 'latin1');
    const { frames: out, splitter } = splitAll(Buffer.concat([vbri, ...frames.slice(1)]));
    assert.deepEqual(hexes(out), frames.slice(1).map((f) => f.toString('hex')));
    assert.equal(splitter.counters.infoFrames, 1);
  });

  it('CRC-protected frames (built: ffmpeg cannot write them) are cut with their CRC', () => {
    const frame = silentFrame({ version: '1', sampleRate: 44100, bitrateKbps: 128, channelMode: 'joint', crc: true });
    const { frames: out, splitter } = splitAll(Buffer.concat([frame, ...frames.slice(0, 5), frame, frame]));
    assert.equal(out.length, 8);
    assert.deepEqual(out.map((f) => f.header.crc), [true, false, false, false, false, false, true, true]);
    assert.equal(splitter.counters.garbageBytes, 0);
  });
});

/**
 * `frames` (default: the bare fixture's) with random garbage runs of 1..600 bytes inserted: between frames, or (when
 * not `betweenFrames`) often inside one, splitting it. Out of sync (as at the start), a frame is vouched for only by
 * the `vouchers` frames after it (1; free format: 2, the length is confirmed by the second), so runs are placed
 * where each frame has them: none among the first frame's vouchers, none among the last vouchers + 1, and runs at least
 * vouchers + 2 frames apart. A frame without its vouchers has nothing to vouch for it and is lost with the runs.
 */
function withGarbage(
  rng: Random,
  betweenFrames: boolean,
  frames = bareFrames(),
  vouchers = 1,
): { stream: Buffer; inserted: number; runs: number; leading: boolean; split: Set<number> } {
  const parts: Buffer[] = [];
  const split = new Set<number>();
  let inserted = 0;
  let runs = 0;
  let leading = false;
  let nextRun = 0;
  frames.forEach((frame, i) => {
    if ((i >= 1 && i <= vouchers) || i >= frames.length - vouchers - 1 || i < nextRun || rng.next() >= 0.2) {
      parts.push(frame);
      return;
    }
    const run = garbage(rng, 1 + rng.int(600));
    if (betweenFrames || rng.next() < 0.3) {
      parts.push(run, frame);
      if (i === 0) leading = true;
    } else {
      const at = 1 + rng.int(frame.length - 1);
      parts.push(frame.subarray(0, at), run, frame.subarray(at));
      split.add(i);
    }
    inserted += run.length;
    runs++;
    nextRun = i + vouchers + 2;
  });
  return { stream: Buffer.concat(parts), inserted, runs, leading, split };
}
