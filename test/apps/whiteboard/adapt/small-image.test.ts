import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import {
  MAX_INPUT_PIXELS,
  pngHeader,
  smallImageWidth,
  sniffImage,
  transcodeForSmall,
} from '../../../../src/apps/whiteboard/adapt/small-image.ts';
import { MAX_IMAGE_BYTES } from '../../../../src/apps/whiteboard/deck/bodies.ts';
import { ErrorCode, ScError } from '../../../../src/core/errors.ts';

const photo = (name: string): Buffer => readFileSync(new URL(`../../../../assets/whiteboard/${name}`, import.meta.url));

/** A rejection with ScError code `code`. */
const refusedWith = (code: string) => (err: unknown) => err instanceof ScError && err.code === code;

/** Asserts `png` is a 2-bit palette PNG of at most 4 gray entries and gives its size. */
async function assertSmall(png: Buffer): Promise<{ width: number; height: number }> {
  const h = pngHeader(png);
  assert.ok(h, 'a PNG');
  assert.equal(h.bitDepth, 2, 'IHDR bit depth 2');
  assert.equal(h.colourType, 3, 'IHDR colour type 3 (palette)');
  assert.ok(h.paletteEntries >= 1 && h.paletteEntries <= 4, `PLTE of ${h.paletteEntries} entries`);
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, h.width);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i + 2 < data.length; i += info.channels) assert.ok(data[i] === data[i + 1] && data[i + 1] === data[i + 2], 'gray pixels only');
  return { width: h.width, height: h.height };
}

describe('transcodeForSmall', () => {
  it('makes a photo a 2-bit gray PNG at the width asked, keeping its aspect, much smaller', async () => {
    for (const name of ['verify.jpeg', 'f3.jpg']) {
      const original = photo(name);
      for (const maxWidth of [320, 640]) {
        const out = await transcodeForSmall(original, { maxWidth });
        const { width, height } = await assertSmall(out);
        assert.equal(width, maxWidth);
        assert.ok(Math.abs(height - Math.round((477 * maxWidth) / 720)) <= 1, `height ${height}`);
        assert.ok(out.length < original.length * 0.5, `${name} at ${maxWidth}: ${out.length} of ${original.length} bytes`);
      }
    }
  });

  it('never enlarges, and fits a very tall image in 4 x its width', async () => {
    const small = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } }).png().toBuffer();
    assert.deepEqual(await assertSmall(await transcodeForSmall(small, { maxWidth: 640 })), { width: 200, height: 100 });
    const tall = await sharp({ create: { width: 400, height: 8000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const { width, height } = await assertSmall(await transcodeForSmall(tall, { maxWidth: 320 }));
    assert.ok(height <= 1280 && width <= 320, `${width}x${height}`);
  });

  it('reads PNG with transparency, GIF and WebP (flattened on white)', async () => {
    const seed = 1515;
    console.log(`# seed ${seed}`);
    let s = seed;
    const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const raw = Buffer.alloc(64 * 48 * 4);
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rand() * 256);
    const rgba = sharp(raw, { raw: { width: 64, height: 48, channels: 4 } });
    for (const input of [await rgba.clone().png().toBuffer(), await rgba.clone().gif().toBuffer(), await rgba.clone().webp().toBuffer()]) {
      assert.deepEqual(await assertSmall(await transcodeForSmall(input, { maxWidth: 320 })), { width: 64, height: 48 });
    }
    const clear = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { data } = await sharp(await transcodeForSmall(clear, { maxWidth: 320 })).raw().toBuffer({ resolveWithObject: true });
    assert.equal(data[0], 255, 'transparent becomes white');
  });

  it('refuses what is not an image of the four types, with its code', async () => {
    const jpeg = photo('f3.jpg');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    for (const bad of [Buffer.alloc(0), Buffer.from('hello'), svg, jpeg.subarray(0, 2000), Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0])]) {
      await assert.rejects(transcodeForSmall(bad, { maxWidth: 320 }), refusedWith(ErrorCode.WB_IMAGE_INVALID));
    }
    await assert.rejects(transcodeForSmall('nope' as never, { maxWidth: 320 }), refusedWith(ErrorCode.WB_IMAGE_INVALID));
    const huge = Buffer.concat([jpeg, Buffer.alloc(MAX_IMAGE_BYTES)]);
    await assert.rejects(transcodeForSmall(huge, { maxWidth: 320 }), refusedWith(ErrorCode.WB_IMAGE_TOO_LARGE));
    for (const maxWidth of [0, -1, 1.5, Number.NaN, 5000]) await assert.rejects(transcodeForSmall(jpeg, { maxWidth }), RangeError);
  });

  it('refuses a decompression bomb (small file, too many pixels) before decoding it', async () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    const bomb = await sharp({ create: { width: side, height: side, channels: 3, background: '#ffffff' } }).png({ compressionLevel: 9 }).toBuffer();
    assert.ok(bomb.length < 1024 * 1024, `bomb of ${bomb.length} bytes`);
    await assert.rejects(transcodeForSmall(bomb, { maxWidth: 320 }), refusedWith(ErrorCode.WB_IMAGE_TOO_LARGE));
  });

  it('sniffs types and picks a few screen widths only', () => {
    assert.equal(sniffImage(photo('f3.jpg')), 'jpeg');
    assert.equal(sniffImage(Buffer.from('GIF89a....')), 'gif');
    assert.equal(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
    assert.equal(sniffImage(Buffer.from('RIFF\0\0\0\0WAVE')), undefined);
    assert.equal(sniffImage(new Uint8Array(0)), undefined);
    assert.equal(pngHeader(photo('f3.jpg')), undefined);
    assert.deepEqual([0, 100, 320, 359, 390, 640, 700, 5000, Number.NaN].map(smallImageWidth), [160, 160, 320, 320, 320, 640, 640, 1024, 160]);
  });
});
