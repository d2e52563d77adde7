/**
 * Cuts an MP3 byte stream (an Icecast source's body, a file) into whole Layer III frames, whatever the chunking.
 * ID3v2/ID3v1 tags and the encoder's Xing/Info/VBRI frame are skipped; garbage between frames is skipped too.
 *
 * Sync: out of sync (at the start, after garbage), a header is taken for a frame only when the next frame's header
 * follows at the computed length with the same version, layer and sample rate, free format or not like it (free
 * format: the distance to the next such header, within maxFreeFormatBytes and confirmed by the frame after that,
 * gives the length, which the stream then keeps). In
 * sync, a header where the previous frame ended is taken as it is: its predecessor's check vouched for it, so
 * garbage between two frames costs neither of them (a frame that garbage splits after its header comes out with the
 * garbage in it: nothing tells the two cases apart). A frame between two garbage runs has nothing to vouch for it
 * and is lost with them. At the end of the stream (flush), a last frame that fills the buffer exactly is taken if it
 * matches the stream seen before.
 *
 * Bounds: the splitter keeps at most maxBufferedBytes between pushes (a frame still arriving, or a candidate still
 * waiting for its successor's header); tags are skipped by counting, never buffered. Work per input byte is
 * bounded by maxFreeFormatBytes (a free-format candidate's search). It never throws.
 */

import { CRC_BYTES, HEADER_BYTES, MAX_FIXED_FRAME_BYTES, parseMp3Header, sameStream, type Mp3Header } from '../../../services/rtp/wire/mp3-header.ts';
import { tagAt } from './id3.ts';
import { isInfoFrame } from './info-frame.ts';

/** One whole frame. */
export interface Mp3Frame {
  /** The whole frame, header included: a view of the splitter's own copy of the input (never of the caller's chunk). */
  readonly bytes: Buffer;
  readonly header: Mp3Header;
}

/** What the splitter has seen, in all, since it was made. */
export interface Mp3SplitterCounters {
  /** Audio frames handed out. */
  frames: number;
  /** Bytes skipped for being neither a frame nor a tag (a frame cut short by the end of the stream included). */
  garbageBytes: number;
  /** Bytes of ID3v2 and ID3v1 tags skipped. */
  id3Bytes: number;
  /** Xing, Info and VBRI frames dropped. */
  infoFrames: number;
  /** Times the bytes where the next frame should start were not a frame of the stream (sync lost). */
  resyncs: number;
  /** ID3v2 tags declaring more than maxId3Bytes, and free-format frames of a known stream longer than maxFreeFormatBytes (scanned as garbage). */
  oversize: number;
}

/** Options of an Mp3FrameSplitter. */
export interface Mp3FrameSplitterOptions {
  /**
   * Bytes: the largest ID3v2 tag skipped as a tag (default 4 MiB); a header declaring more is counted oversize and
   * scanned as garbage, so that a corrupt size field (up to 256 MiB) cannot swallow hours of audio.
   */
  readonly maxId3Bytes?: number;
  /** Bytes: the longest free-format frame looked for (default 2,881: 640 kbit/s, LAME's free-format ceiling, at 32 kHz MPEG-1, padded). */
  readonly maxFreeFormatBytes?: number;
}

/** Default maxId3Bytes: 4 MiB, room for embedded cover art. */
export const DEFAULT_MAX_ID3_BYTES = 4 * 1024 * 1024;

/** Default maxFreeFormatBytes: 144 × 640,000 / 32,000 + 1. */
export const DEFAULT_MAX_FREE_FORMAT_BYTES = 2881;

/** The stream the splitter is in sync with: the last frame's header, and a free-format stream's frame length less padding. */
interface Sync {
  readonly header: Mp3Header;
  readonly freeBytes: number;
}

/** What one step at an offset did: consumed that many bytes (0: changed state only), or needs more input. */
const MORE = -1;

/** Splits a stream of MP3 bytes into frames. */
export class Mp3FrameSplitter {
  /** Bytes: the most kept between pushes, max(1,441 + 4, 2 × maxFreeFormatBytes + 5): a frame and its successor's header, or two free-format frames and a header. */
  readonly maxBufferedBytes: number;
  private readonly maxId3Bytes: number;
  private readonly maxFreeFormatBytes: number;
  private readonly count: Mp3SplitterCounters = { frames: 0, garbageBytes: 0, id3Bytes: 0, infoFrames: 0, resyncs: 0, oversize: 0 };
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a tag still to skip as they arrive. */
  private skip = 0;
  /** In sync: where the previous frame ended is where this one starts. */
  private sync: Sync | undefined;
  /** The stream last in sync, kept through garbage for flush's last-frame rule. */
  private known: Sync | undefined;
  /** At the start of the stream, or right after a frame or a tag: where a tag may begin. */
  private atBoundary = true;

  constructor(options: Mp3FrameSplitterOptions = {}) {
    this.maxId3Bytes = Math.max(0, options.maxId3Bytes ?? DEFAULT_MAX_ID3_BYTES);
    this.maxFreeFormatBytes = Math.max(HEADER_BYTES, options.maxFreeFormatBytes ?? DEFAULT_MAX_FREE_FORMAT_BYTES);
    this.maxBufferedBytes = Math.max(MAX_FIXED_FRAME_BYTES + HEADER_BYTES, 2 * this.maxFreeFormatBytes + 1 + HEADER_BYTES);
  }

  /** The counters, live. */
  get counters(): Readonly<Mp3SplitterCounters> {
    return this.count;
  }

  /** Bytes kept for the next push (≤ maxBufferedBytes). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** The frames `chunk` completes, in order; anything that is not a Uint8Array is ignored. */
  push(chunk: Uint8Array): Mp3Frame[] {
    if (!(chunk instanceof Uint8Array)) return [];
    let input = chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, input.length);
      this.skip -= n;
      this.count.id3Bytes += n;
      input = input.subarray(n);
    }
    return this.run(Buffer.concat([this.pending, input]), false);
  }

  /** The end of the stream: the frames still buffered; the rest is garbage. The splitter then waits for a new stream. */
  flush(): Mp3Frame[] {
    const frames = this.run(this.pending, true);
    this.sync = undefined;
    this.known = undefined;
    this.skip = 0;
    this.atBoundary = true;
    return frames;
  }

  private run(buf: Buffer, final: boolean): Mp3Frame[] {
    const frames: Mp3Frame[] = [];
    let at = 0;
    while (at < buf.length) {
      const step = this.step(buf, at, final, frames);
      if (step === MORE) break;
      at += step;
    }
    this.pending = Buffer.from(buf.subarray(at));
    return frames;
  }

  /** One decision at `buf[at]`. */
  private step(buf: Buffer, at: number, final: boolean, frames: Mp3Frame[]): number {
    if (this.atBoundary) {
      const tag = tagAt(buf, at, final);
      if (tag.kind === 'more') return MORE;
      if (tag.kind === 'id3v1' || (tag.kind === 'id3v2' && tag.bytes <= this.maxId3Bytes)) return this.skipTag(buf, at, tag.bytes);
      if (tag.kind === 'id3v2') this.count.oversize++;
    }
    if (at + HEADER_BYTES > buf.length) {
      if (final) return this.garbage(buf.length - at);
      if (this.couldBeHeader(buf, at)) return MORE;
    }
    const header = parseMp3Header(buf, at);
    return this.sync ? this.inSync(buf, at, final, header, frames) : this.search(buf, at, final, header, frames);
  }

  /** Whether the bytes from `at` to the end (fewer than a header's) could begin a header. */
  private couldBeHeader(buf: Buffer, at: number): boolean {
    return buf[at] === 0xff && (at + 1 >= buf.length || ((buf[at + 1] as number) & 0xe0) === 0xe0);
  }

  private skipTag(buf: Buffer, at: number, bytes: number): number {
    const here = Math.min(bytes, buf.length - at);
    this.count.id3Bytes += here;
    this.skip = bytes - here;
    return here;
  }

  /** In sync: the frame here if it belongs to the stream, else the sync is lost (and the search starts here). */
  private inSync(buf: Buffer, at: number, final: boolean, header: Mp3Header | undefined, frames: Mp3Frame[]): number {
    const sync = this.sync as Sync;
    if (header === undefined || !sameStream(header, sync.header)) {
      this.sync = undefined;
      this.count.resyncs++;
      this.atBoundary = false;
      return 0;
    }
    const length = header.frameBytes || sync.freeBytes + (header.padding ? 1 : 0);
    if (at + length > buf.length) return final ? this.garbage(buf.length - at) : MORE;
    return this.take(buf, at, header, length, sync.freeBytes, frames);
  }

  /** Out of sync: the candidate here if its successor vouches for it (or flush's last-frame rule), else one byte of garbage. */
  private search(buf: Buffer, at: number, final: boolean, header: Mp3Header | undefined, frames: Mp3Frame[]): number {
    if (header === undefined) {
      const next = buf.indexOf(0xff, at + 1);
      return this.garbage((next < 0 ? buf.length : next) - at);
    }
    const length = header.frameBytes || this.freeFormatLength(buf, at, header, final);
    if (length === 0) return this.garbage(1);
    if (length === MORE || at + length + HEADER_BYTES > buf.length) return final ? this.lastFrame(buf, at, header, frames) : MORE;
    const next = parseMp3Header(buf, at + length);
    if (next === undefined || !sameStream(header, next)) return this.garbage(1);
    return this.take(buf, at, header, length, header.frameBytes === 0 ? length - (header.padding ? 1 : 0) : 0, frames);
  }

  /**
   * A free-format candidate's length: the distance d to a free-format header of the same stream (at least a header,
   * CRC and side information away, at most maxFreeFormatBytes) that the frame after it confirms, starting d less
   * this frame's padding plus that one's further on (a sync pattern inside the audio data confirms nothing). MORE
   * when the buffered bytes end before that can be told, 0 when no such header is within the bound.
   */
  private freeFormatLength(buf: Buffer, at: number, header: Mp3Header, final: boolean): number {
    const end = at + this.maxFreeFormatBytes;
    const first = at + HEADER_BYTES + (header.crc ? CRC_BYTES : 0) + header.sideInfoBytes;
    for (let i = buf.indexOf(0xff, first); i >= 0 && i <= end; i = buf.indexOf(0xff, i + 1)) {
      if (i + HEADER_BYTES > buf.length) return MORE;
      const next = parseMp3Header(buf, i);
      if (next === undefined || !sameStream(header, next)) continue;
      const after = 2 * i - at - (header.padding ? 1 : 0) + (next.padding ? 1 : 0);
      if (after + HEADER_BYTES > buf.length) {
        if (final) continue;
        return MORE;
      }
      const third = parseMp3Header(buf, after);
      if (third !== undefined && sameStream(header, third)) return i - at;
    }
    if (buf.length < end + HEADER_BYTES) return MORE;
    if (this.known && sameStream(header, this.known.header)) this.count.oversize++;
    return 0;
  }

  /** At the end of the stream, out of sync: a candidate that ends exactly at the end and matches the stream seen before is a frame. */
  private lastFrame(buf: Buffer, at: number, header: Mp3Header, frames: Mp3Frame[]): number {
    const known = this.known;
    if (known && sameStream(header, known.header)) {
      const length = header.frameBytes || known.freeBytes + (header.padding ? 1 : 0);
      if (at + length === buf.length) return this.take(buf, at, header, length, known.freeBytes, frames);
    }
    return this.garbage(1);
  }

  /** The frame at `buf[at..at+length)`: handed out, or dropped when it is an information frame; in sync after it. */
  private take(buf: Buffer, at: number, header: Mp3Header, length: number, freeBytes: number, frames: Mp3Frame[]): number {
    this.sync = { header, freeBytes };
    this.known = this.sync;
    this.atBoundary = true;
    if (isInfoFrame(buf, at, header, length)) this.count.infoFrames++;
    else {
      frames.push({ bytes: buf.subarray(at, at + length), header });
      this.count.frames++;
    }
    return length;
  }

  /** `bytes` bytes that are neither frame nor tag. */
  private garbage(bytes: number): number {
    this.count.garbageBytes += bytes;
    this.atBoundary = false;
    return bytes;
  }
}
