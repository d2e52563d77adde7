/**
 * Device adaptation for small screens (paper 6.6.2): an image ADU becomes a 2-bit grayscale PNG scaled to the
 * device. sharp decodes (JPEG, PNG, WebP, GIF only, sniffed from the bytes; pixel count bounded against
 * decompression bombs), flattens transparency onto white, converts to grayscale, shrinks to fit (never enlarges),
 * and libimagequant picks the 4 gray levels that best fit the image (with dithering); the PNG is written with a
 * palette of at most 4 entries at bit depth 2 (IHDR colour type 3), which the output check below enforces.
 */

import sharp from 'sharp';
import { ErrorCode, ScError } from '../../../core/errors.ts';
import { MAX_IMAGE_BYTES } from '../deck/bodies.ts';
import { Slots } from './slots.ts';

/** How to adapt one image. */
export interface SmallImageOptions {
  /** Widest output, px (an integer 1..MAX_SMALL_WIDTH); a narrower image keeps its width. */
  readonly maxWidth: number;
}

/** Largest maxWidth a caller may ask for, px. */
export const MAX_SMALL_WIDTH = 4096;

/** Tallest output as a multiple of maxWidth (a very tall image is shrunk to fit this too). */
export const MAX_SMALL_ASPECT = 4;

/** Most input pixels (width x height) the decoder accepts: the guard against decompression bombs. */
export const MAX_INPUT_PIXELS = 40_000_000;

/** Time limit of one transcode, s (sharp's own timeout). */
export const TRANSCODE_TIMEOUT_S = 10;

/** Transcodes run at once in this process. */
export const TRANSCODE_CONCURRENCY = 2;

/** Transcodes that may wait for a slot before more are refused (ERR_WB_IMAGE_BUSY). */
export const TRANSCODE_MAX_WAITING = 64;

/** Gray levels of the output palette (2 bits per pixel). */
export const SMALL_LEVELS = 4;

const slots = new Slots(TRANSCODE_CONCURRENCY, TRANSCODE_MAX_WAITING, () => new ScError(ErrorCode.WB_IMAGE_BUSY, 'image transcoder busy: too many images waiting'));

/** Screen widths a small device's images are scaled to, px: few, so a cache keyed by width stays useful. */
export const SMALL_WIDTHS: readonly number[] = [160, 240, 320, 480, 640, 800, 1024];

/** The image width for a device whose screen is `screenCssPx` wide: the largest of SMALL_WIDTHS that fits (at least the smallest). */
export function smallImageWidth(screenCssPx: number): number {
  let best = SMALL_WIDTHS[0] as number;
  for (const w of SMALL_WIDTHS) if (Number.isFinite(screenCssPx) && w <= screenCssPx) best = w;
  return best;
}

/** The image type named by the first bytes (PNG, JPEG, GIF, WebP), or undefined for anything else. */
export function sniffImage(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'webp' | undefined {
  const at = (i: number, s: string): boolean => [...s].every((c, k) => bytes[i + k] === c.charCodeAt(0));
  if (at(0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return 'gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  return undefined;
}

/** The IHDR of a PNG: size, bit depth and colour type, and how many PLTE entries it has (0 without one); undefined if not a PNG. */
export function pngHeader(png: Uint8Array): { width: number; height: number; bitDepth: number; colourType: number; paletteEntries: number } | undefined {
  if (sniffImage(png) !== 'png' || png.length < 33) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return undefined;
  let paletteEntries = 0;
  for (let o = 33; o + 8 <= png.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (type === 'PLTE') paletteEntries = len / 3;
    if (type === 'IDAT' || type === 'IEND') break;
    o += 12 + len;
  }
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24] as number, colourType: png[25] as number, paletteEntries };
}

/**
 * `bytes` (a PNG, JPEG, WebP or GIF; the first frame of an animation) as a grayscale PNG of 4 palette levels at
 * 2 bits per pixel, fitting `maxWidth` x (MAX_SMALL_ASPECT x maxWidth) px, never enlarged. Rejects with ScError
 * ERR_WB_IMAGE_INVALID (not a readable image of those types), ERR_WB_IMAGE_TOO_LARGE (over MAX_IMAGE_BYTES or
 * MAX_INPUT_PIXELS), ERR_WB_IMAGE_BUSY (queue full) or ERR_WB_IMAGE_TIMEOUT; RangeError for a bad maxWidth.
 */
export async function transcodeForSmall(bytes: Uint8Array, options: SmallImageOptions): Promise<Buffer> {
  const { maxWidth } = options;
  if (!Number.isInteger(maxWidth) || maxWidth < 1 || maxWidth > MAX_SMALL_WIDTH) throw new RangeError(`maxWidth must be an integer 1..${MAX_SMALL_WIDTH}`);
  if (!(bytes instanceof Uint8Array)) throw new ScError(ErrorCode.WB_IMAGE_INVALID, 'image is not bytes');
  if (bytes.length > MAX_IMAGE_BYTES) throw new ScError(ErrorCode.WB_IMAGE_TOO_LARGE, `image of ${bytes.length} bytes is over ${MAX_IMAGE_BYTES}`);
  if (sniffImage(bytes) === undefined) throw new ScError(ErrorCode.WB_IMAGE_INVALID, 'image is not PNG, JPEG, GIF or WebP');
  const out = await slots.run(() => encode(bytes, maxWidth));
  const h = pngHeader(out);
  if (h === undefined || h.bitDepth !== 2 || h.colourType !== 3 || h.paletteEntries < 1 || h.paletteEntries > SMALL_LEVELS) {
    throw new ScError(ErrorCode.WB_IMAGE_INVALID, 'image did not reduce to a 2-bit palette PNG');
  }
  return out;
}

/** The sharp pipeline; sharp's errors become typed refusals. */
async function encode(bytes: Uint8Array, maxWidth: number): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 })
      .timeout({ seconds: TRANSCODE_TIMEOUT_S })
      .flatten({ background: '#ffffff' })
      .grayscale()
      .resize({ width: maxWidth, height: maxWidth * MAX_SMALL_ASPECT, fit: 'inside', withoutEnlargement: true })
      .png({ palette: true, colours: SMALL_LEVELS, dither: 1, effort: 10, compressionLevel: 9 })
      .toBuffer();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) throw new ScError(ErrorCode.WB_IMAGE_TOO_LARGE, `image has more than ${MAX_INPUT_PIXELS} pixels`);
    if (/timeout/i.test(message)) throw new ScError(ErrorCode.WB_IMAGE_TIMEOUT, `image transcode took over ${TRANSCODE_TIMEOUT_S} s`);
    throw new ScError(ErrorCode.WB_IMAGE_INVALID, `image unreadable: ${message.split('\n')[0]?.slice(0, 120)}`);
  }
}
