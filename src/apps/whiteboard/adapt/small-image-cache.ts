/**
 * The SCX's cache of small-device images: each image object's transcode is made once per (object, version, width)
 * and shared by every small viewer. One entry per (presentation, slide, object, width), so a newer version replaces
 * its predecessor; least recently used entries go first past `maxBytes`. In-flight transcodes are shared; a
 * refusal (unreadable or oversize image) is remembered like a result, so a bad image costs one decode, not one
 * per viewer; a busy refusal is not remembered.
 */

import { ErrorCode, ScError } from '../../../core/errors.ts';
import { transcodeForSmall, type SmallImageOptions } from './small-image.ts';

/** Which image, at which width. */
export interface SmallImageKey {
  /** The presentation (the ADU's `presentation` field). */
  readonly presentation: string;
  /** The slide, 1..65535. */
  readonly slide: number;
  /** The image object's id. */
  readonly object: number;
  /** The image object's version. */
  readonly version: number;
  /** The output width, px (see smallImageWidth). */
  readonly maxWidth: number;
}

/** Cache options. */
export interface SmallImageCacheOptions {
  /** Most bytes of transcoded images kept (default 32 MiB). */
  readonly maxBytes?: number;
  /** Most entries kept, results and refusals together (default 4096). */
  readonly maxEntries?: number;
  /** The transcoder (default transcodeForSmall; tests pass a counting one). */
  readonly transcode?: (bytes: Uint8Array, options: SmallImageOptions) => Promise<Buffer>;
}

/** What the cache did so far. */
export interface SmallImageCacheCounters {
  /** Gets answered from the cache (a result, a refusal or a shared in-flight transcode). */
  readonly hits: number;
  /** Gets that started a transcode. */
  readonly misses: number;
  /** Transcodes that ended in a refusal. */
  readonly refused: number;
  /** Entries dropped for space or replaced by a newer version. */
  readonly evicted: number;
  /** Bytes of transcoded images held now. */
  readonly bytes: number;
  /** Entries held now. */
  readonly entries: number;
}

/** Bytes a remembered refusal counts for. */
const REFUSAL_COST = 64;

interface Entry {
  readonly version: number;
  readonly result: Promise<Buffer>;
  /** Bytes counted against maxBytes (0 while in flight). */
  cost: number;
}

/** Transcoded images for small devices, bounded by bytes and entries. */
export class SmallImageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly transcode: (bytes: Uint8Array, options: SmallImageOptions) => Promise<Buffer>;
  private held = 0;
  private count = { hits: 0, misses: 0, refused: 0, evicted: 0 };

  constructor(options: SmallImageCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.maxEntries = options.maxEntries ?? 4096;
    this.transcode = options.transcode ?? transcodeForSmall;
  }

  /** The image `bytes` (object `key`) transcoded for a small device of width key.maxWidth; rejects as transcodeForSmall. */
  get(key: SmallImageKey, bytes: Uint8Array): Promise<Buffer> {
    const id = `${key.presentation}\u0000${key.slide}\u0000${key.object}\u0000${key.maxWidth}`;
    const old = this.entries.get(id);
    if (old !== undefined && old.version === key.version) {
      this.count.hits++;
      this.entries.delete(id);
      this.entries.set(id, old);
      return old.result;
    }
    this.count.misses++;
    const result = this.transcode(bytes, { maxWidth: key.maxWidth });
    if (old !== undefined && old.version > key.version) return result;
    if (old !== undefined) this.drop(id, old);
    const entry: Entry = { version: key.version, result, cost: 0 };
    this.entries.set(id, entry);
    result.then(
      (out) => this.settle(id, entry, out.length),
      (err: unknown) => {
        if (err instanceof ScError && err.code === ErrorCode.WB_IMAGE_BUSY) {
          if (this.entries.get(id) === entry) this.entries.delete(id);
          return;
        }
        this.count.refused++;
        this.settle(id, entry, REFUSAL_COST);
      },
    );
    this.trim();
    return result;
  }

  /** What the cache did so far. */
  counters(): SmallImageCacheCounters {
    return { ...this.count, bytes: this.held, entries: this.entries.size };
  }

  private settle(id: string, entry: Entry, cost: number): void {
    if (this.entries.get(id) !== entry) return;
    entry.cost = cost;
    this.held += cost;
    this.trim();
  }

  private drop(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.held -= entry.cost;
    this.count.evicted++;
  }

  /** Drops least recently used entries (in-flight ones too: their callers still get the result) until within bounds. */
  private trim(): void {
    for (const [id, entry] of this.entries) {
      if (this.held <= this.maxBytes && this.entries.size <= this.maxEntries) return;
      this.drop(id, entry);
    }
  }
}
