import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../../src/core/random.ts';
import { parseMp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { Mp3FrameSplitter, type Mp3Frame } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import { testSeed } from '../../../support/seed.ts';
import { FIXTURES, fixtureBytes } from './fixtures.ts';

const fixtures = FIXTURES.map((f) => fixtureBytes(f.file));

/** Random bytes, `n` of them. */
function randomBytes(rng: Random, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

/** One hostile buffer: noise, noise dense with headers (free format too) and tag magic, or a fixture slice garbled. */
function hostile(rng: Random): Buffer {
  const kind = rng.int(3);
  if (kind === 0) return randomBytes(rng, rng.int(2000));
  if (kind === 1) {
    const out = randomBytes(rng, rng.int(4000));
    for (let i = 0; i + 10 < out.length; i += 1 + rng.int(200)) {
      const what = rng.int(10);
      if (what === 0) out.write(rng.int(2) ? 'TAG' : 'ID3', i, 'latin1');
      else if (what === 1) out.set([0x49, 0x44, 0x33, 2 + rng.int(3), 0, rng.int(256), 0, 0, rng.int(2), rng.int(128)], i);
      else out.set([0xff, 0xe0 | rng.int(32), rng.int(256) & (rng.int(2) ? 0x0f : 0xff), rng.int(256)], i);
    }
    return out;
  }
  const source = fixtures[rng.int(fixtures.length)] as Buffer;
  const from = rng.int(source.length);
  const out = Array.from(source.subarray(from, from + rng.int(6000)));
  for (let edits = rng.int(8); edits > 0 && out.length > 0; edits--) {
    const at = rng.int(out.length);
    const op = rng.int(3);
    if (op === 0) out[at] = rng.int(256);
    else if (op === 1) out.splice(at, 0, ...randomBytes(rng, 1 + rng.int(40)));
    else out.splice(at, 1 + rng.int(40));
  }
  return Buffer.from(out);
}

/** Asserts what every frame handed out must be: a header that parses to what came with it, and the length it says. */
function checkFrame(f: Mp3Frame): void {
  assert.deepEqual(parseMp3Header(f.bytes, 0), f.header);
  if (f.header.frameBytes > 0) assert.equal(f.bytes.length, f.header.frameBytes);
}

describe('Mp3FrameSplitter on hostile input', () => {
  it('10,000 random buffers in random chunks: never throws, stays within its buffer bound, accounts for every byte', (t) => {
    const rng = new Random(testSeed(t, 0xfa11));
    const longLived = new Mp3FrameSplitter();
    let frames = 0;
    for (let n = 0; n < 10_000; n++) {
      const input = hostile(rng);
      const splitter = new Mp3FrameSplitter({ maxId3Bytes: rng.int(2) ? 64 : undefined });
      const out: Mp3Frame[] = [];
      for (let at = 0; at < input.length; ) {
        const size = 1 + rng.int(rng.int(2) ? 16 : 1500);
        const chunk = input.subarray(at, at + size);
        out.push(...splitter.push(chunk));
        for (const f of longLived.push(chunk)) checkFrame(f);
        assert.ok(splitter.bufferedBytes <= splitter.maxBufferedBytes, `buffer ${n}: ${splitter.bufferedBytes} bytes kept`);
        assert.ok(longLived.bufferedBytes <= longLived.maxBufferedBytes);
        at += size;
      }
      out.push(...splitter.flush());
      assert.equal(splitter.bufferedBytes, 0);
      out.forEach(checkFrame);
      frames += out.length;
      const c = splitter.counters;
      const accounted = out.reduce((sum, f) => sum + f.bytes.length, 0) + c.garbageBytes + c.id3Bytes;
      if (c.infoFrames === 0) assert.equal(accounted, input.length, `buffer ${n}: every byte a frame, a tag or garbage`);
      else assert.ok(accounted < input.length);
      assert.equal(c.frames, out.length);
    }
    longLived.flush().forEach(checkFrame);
    t.diagnostic(`${frames} frames found in 10,000 hostile buffers; long-lived splitter: ${JSON.stringify(longLived.counters)}`);
    assert.ok(frames > 0, 'the garbled fixtures still hold frames');
  });

  it('anything that is not a Uint8Array is ignored', () => {
    const splitter = new Mp3FrameSplitter();
    for (const junk of [undefined, null, 'fffb9064', 42, {}, [0xff, 0xfb, 0x90, 0x64]]) assert.deepEqual(splitter.push(junk as unknown as Uint8Array), []);
    assert.equal(splitter.bufferedBytes, 0);
  });

  it('the buffer bound follows maxFreeFormatBytes (two free-format frames and a header), never under a fixed frame and a header', () => {
    assert.equal(new Mp3FrameSplitter().maxBufferedBytes, 2 * 2881 + 1 + 4);
    assert.equal(new Mp3FrameSplitter({ maxFreeFormatBytes: 100 }).maxBufferedBytes, 1441 + 4);
    assert.equal(new Mp3FrameSplitter({ maxFreeFormatBytes: 8000 }).maxBufferedBytes, 16_005);
  });
});
