/**
 * A photo-like JPEG made from a seed (the tests fetch nothing): smooth colour gradients, soft blobs of colour and
 * fine grain, the kind of content a 2-bit grayscale transcode shrinks much and a JPEG does not.
 */

import sharp from 'sharp';
import { Random } from '../../src/core/random.ts';

/** A `width` x `height` JPEG (quality 85) drawn from `seed`. */
export async function syntheticPhoto(seed: number, width = 1200, height = 800): Promise<Buffer> {
  const rng = new Random(seed);
  const blobs = Array.from({ length: 12 }, () => ({ x: rng.next() * width, y: rng.next() * height, r: 40 + rng.next() * 250, rgb: [rng.int(256), rng.int(256), rng.int(256)] }));
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = [(255 * x) / width, (255 * y) / height, 128 + 100 * Math.sin((x + y) / 90)];
      for (const b of blobs) {
        const w = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        for (let c = 0; c < 3; c++) rgb[c] = (rgb[c] as number) * (1 - w) + (b.rgb[c] as number) * w;
      }
      const grain = (rng.next() - 0.5) * 30;
      for (let c = 0; c < 3; c++) raw[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round((rgb[c] as number) + grain)));
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}
