/**
 * Length-prefixed framing on a byte stream: every frame is `[length u32 BE][payload]`. The decoder takes chunks
 * as they arrive and returns the whole frames in them, as views into the chunk where possible (no copy).
 */

/** A peer sent a frame larger than allowed: the connection must be closed. */
export class FrameTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`frame of ${bytes} bytes is over the limit`);
    this.name = 'FrameTooLarge';
  }
}

/**
 * Splits a TCP byte stream into frames. A frame cut across chunks is copied once into a buffer of its announced
 * size (at most `maxFrameBytes`), however small the pieces it comes in: a peer trickling bytes costs linear work.
 */
export class FrameDecoder {
  /** The first bytes (fewer than 4) of a length prefix cut across chunks. */
  private head: Buffer | undefined;
  /** The payload of a frame cut across chunks, and how much of it has come. */
  private frame: Buffer | undefined;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** The frames completed by `chunk`. Throws FrameTooLarge on a frame past the limit. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let p = 0;
    if (this.head) {
      // Complete the length prefix with only the bytes it lacks, then go on in `chunk` itself (no copy of it).
      const had = this.head.length;
      const head = Buffer.concat([this.head, chunk.subarray(0, 4 - had)]);
      if (head.length < 4) {
        this.head = head;
        return frames;
      }
      this.head = undefined;
      p = 4 - had;
      this.frame = this.allocate(head.readUInt32BE(0));
    }
    if (this.frame) {
      const frame = this.frame;
      const n = Math.min(frame.length - this.filled, chunk.length - p);
      chunk.copy(frame, this.filled, p, p + n);
      this.filled += n;
      p += n;
      if (this.filled < frame.length) return frames;
      frames.push(frame);
      this.frame = undefined;
      this.filled = 0;
    }
    while (chunk.length - p >= 4) {
      const len = chunk.readUInt32BE(p);
      if (len > this.maxFrameBytes) throw new FrameTooLarge(len);
      if (chunk.length - p - 4 < len) break;
      frames.push(chunk.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
    if (chunk.length - p >= 4) {
      this.frame = this.allocate(chunk.readUInt32BE(p));
      this.filled = chunk.copy(this.frame, 0, p + 4);
    } else if (p < chunk.length) {
      this.head = Buffer.from(chunk.subarray(p));
    }
    return frames;
  }

  /** A buffer for a frame of `len` bytes announced by its length prefix. Throws FrameTooLarge past the limit. */
  private allocate(len: number): Buffer {
    if (len > this.maxFrameBytes) throw new FrameTooLarge(len);
    return Buffer.allocUnsafe(len);
  }
}

/** Encodes frames into one buffer, for one write. */
export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) total += 4 + p.length;
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (const p of payloads) {
    out.writeUInt32BE(p.length, o);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}
