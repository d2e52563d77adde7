/**
 * Images for small devices at one node (paper 6.6.2): each image object is transcoded to a 2-bit grayscale PNG
 * scaled to the device (adapt/): as wide as the image is drawn on that screen (its share of the slide's width), once per (object, version, width) for every small viewer here; an image the
 * transcoder refuses goes out in the original, counted.
 */

import { SmallImageCache } from '../adapt/small-image-cache.ts';
import { smallImageWidth } from '../adapt/small-image.ts';
import { CANVAS } from '../deck/bodies.ts';
import type { BoardObject } from './adu-body.ts';
import type { WhiteboardStats } from './edge-stats.ts';

/** An image as a browser gets it. */
export interface SentImage {
  readonly bytes: Uint8Array;
  readonly mime: string;
}

/** The node's small-device images. */
export class SmallImages {
  private readonly cache = new SmallImageCache();

  constructor(private readonly stats: WhiteboardStats) {}

  /** The image of `o` (kind image) for a small device `screenWidth` CSS px wide; never rejects. */
  async forSmall(presentation: string, o: BoardObject, screenWidth: number): Promise<SentImage> {
    const original = o.image as Uint8Array;
    try {
      const drawn = screenWidth * Math.min(1, Math.max(0, o.body.w as number) / CANVAS.width);
      const key = { presentation, slide: o.slide, object: o.id, version: o.v, maxWidth: smallImageWidth(drawn) };
      const bytes = await this.cache.get(key, original);
      this.stats.imagesTranscoded++;
      this.stats.bytesSaved += Math.max(0, original.length - bytes.length);
      return { bytes, mime: 'image/png' };
    } catch {
      this.stats.transcodeFailures++;
      return { bytes: original, mime: o.body.mime as string };
    }
  }
}
