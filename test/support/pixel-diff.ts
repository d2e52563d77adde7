/**
 * Compares two screenshots pixel by pixel (sharp decodes both to raw RGBA): a pixel differs when any channel differs
 * by more than the tolerance. Images of different sizes are compared at the smaller one's size (the other scaled to
 * it), so that two pages showing the same canvas at slightly different CSS sizes still compare.
 */

import sharp from 'sharp';

/** How two images compare. */
export interface PixelDiff {
  /** Width and height compared, px. */
  readonly width: number;
  readonly height: number;
  /** Pixels whose largest channel difference exceeds the tolerance. */
  readonly differing: number;
  /** `differing` over all pixels compared, 0..1. */
  readonly fraction: number;
}

/** Raw RGBA of an encoded image, at `size` if given (px), else its own. */
async function rgba(image: Buffer, size?: { width: number; height: number }): Promise<{ data: Buffer; width: number; height: number }> {
  let pipeline = sharp(image).ensureAlpha();
  if (size) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Counts the pixels of `a` and `b` (PNG, JPEG, ...) that differ by more than `tolerance` (0..255, per channel). */
export async function pixelDiff(a: Buffer, b: Buffer, tolerance = 16): Promise<PixelDiff> {
  const [ma, mb] = await Promise.all([sharp(a).metadata(), sharp(b).metadata()]);
  const width = Math.min(ma.width ?? 0, mb.width ?? 0);
  const height = Math.min(ma.height ?? 0, mb.height ?? 0);
  if (width === 0 || height === 0) throw new Error(`cannot compare images of ${ma.width}x${ma.height} and ${mb.width}x${mb.height} px`);
  const size = { width, height };
  const [ra, rb] = await Promise.all([rgba(a, size), rgba(b, size)]);
  let differing = 0;
  for (let p = 0; p < width * height * 4; p += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs((ra.data[p + c] as number) - (rb.data[p + c] as number)) > tolerance) {
        differing++;
        break;
      }
    }
  }
  return { width, height, differing, fraction: differing / (width * height) };
}

/** A PNG's IHDR bit depth and colour type (3 = palette), or undefined if `bytes` is no PNG. */
export function pngHeader(bytes: Uint8Array): { width: number; height: number; bitDepth: number; colourType: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 29 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24] as number, colourType: bytes[25] as number };
}
