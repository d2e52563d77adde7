import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SmallImageCache, type SmallImageKey } from '../../../../src/apps/whiteboard/adapt/small-image-cache.ts';
import { pngHeader, type SmallImageOptions } from '../../../../src/apps/whiteboard/adapt/small-image.ts';
import { ErrorCode, ScError } from '../../../../src/core/errors.ts';

const key = (object: number, version = 1, maxWidth = 320): SmallImageKey => ({ presentation: 'talk', slide: 1, object, version, maxWidth });

/** A fake transcoder: output of `size` bytes, refusing inputs that start with 'x' (and 'b' as busy); counts its calls. */
function fake(size = 100) {
  const calls: string[] = [];
  const transcode = async (bytes: Uint8Array, o: SmallImageOptions): Promise<Buffer> => {
    calls.push(`${String.fromCharCode(bytes[0] ?? 0)}@${o.maxWidth}`);
    if (bytes[0] === 0x78) throw new ScError(ErrorCode.WB_IMAGE_INVALID, 'bad');
    if (bytes[0] === 0x62) throw new ScError(ErrorCode.WB_IMAGE_BUSY, 'busy');
    return Buffer.alloc(size);
  };
  return { calls, transcode };
}

const img = Buffer.from('img');

describe('SmallImageCache', () => {
  it('transcodes each (object, version, width) once, shared by concurrent gets', async () => {
    const f = fake();
    const cache = new SmallImageCache({ transcode: f.transcode });
    const [a, b] = await Promise.all([cache.get(key(2), img), cache.get(key(2), img)]);
    assert.equal(a, b);
    await cache.get(key(2), img);
    await cache.get(key(2, 1, 640), img);
    assert.equal(f.calls.length, 2);
    assert.deepEqual(cache.counters(), { hits: 2, misses: 2, refused: 0, evicted: 0, bytes: 200, entries: 2 });
  });

  it('replaces a superseded version, and serves an older version uncached', async () => {
    const f = fake();
    const cache = new SmallImageCache({ transcode: f.transcode });
    await cache.get(key(2, 1), img);
    await cache.get(key(2, 2), img);
    assert.equal(cache.counters().entries, 1);
    assert.equal(cache.counters().evicted, 1);
    await cache.get(key(2, 1), img);
    assert.equal(cache.counters().entries, 1);
    await cache.get(key(2, 2), img);
    assert.equal(f.calls.length, 3);
  });

  it('stays within maxBytes and maxEntries, least recently used first', async () => {
    const f = fake(100);
    const cache = new SmallImageCache({ transcode: f.transcode, maxBytes: 350, maxEntries: 1000 });
    for (const o of [1, 2, 3]) await cache.get(key(o), img);
    await cache.get(key(1), img);
    await cache.get(key(4), img);
    assert.ok(cache.counters().bytes <= 350);
    assert.equal(cache.counters().entries, 3);
    const before = f.calls.length;
    await cache.get(key(1), img);
    assert.equal(f.calls.length, before, 'object 1 was used recently and stayed');
    await cache.get(key(2), img);
    assert.equal(f.calls.length, before + 1, 'object 2 was the least recently used and went');
    const few = new SmallImageCache({ transcode: f.transcode, maxEntries: 2 });
    for (let o = 1; o <= 50; o++) await few.get(key(o), img);
    assert.equal(few.counters().entries, 2);
  });

  it('remembers a refusal (one decode per bad image), but not a busy one', async () => {
    const f = fake();
    const cache = new SmallImageCache({ transcode: f.transcode });
    const bad = Buffer.from('xx');
    for (let i = 0; i < 3; i++) await assert.rejects(cache.get(key(9), bad), (e: unknown) => e instanceof ScError && e.code === ErrorCode.WB_IMAGE_INVALID);
    assert.equal(f.calls.length, 1);
    assert.equal(cache.counters().refused, 1);
    const busy = Buffer.from('bb');
    for (let i = 0; i < 2; i++) await assert.rejects(cache.get(key(10), busy), (e: unknown) => e instanceof ScError && e.code === ErrorCode.WB_IMAGE_BUSY);
    assert.equal(f.calls.length, 3);
  });

  it('uses the real transcoder by default', async () => {
    const cache = new SmallImageCache();
    const out = await cache.get(key(3), readFileSync(new URL('../../../../assets/whiteboard/verify.jpeg', import.meta.url)));
    assert.equal(pngHeader(out)?.bitDepth, 2);
    assert.equal(cache.counters().bytes, out.length);
  });
});
