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

/** Splits a TCP byte stream into frames. */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /** The frames completed by `chunk`. Throws FrameTooLarge on a frame past the limit. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf = chunk;
    if (this.pending) {
      // Complete the pending frame with only the bytes it lacks, then go on in `chunk` itself (no copy of it).
      const pending = this.pending;
      const head = pending.length >= 4 ? pending : Buffer.concat([pending, chunk.subarray(0, 4 - pending.length)]);
      if (head.length < 4) {
        this.pending = head;
        return frames;
      }
      const len = head.readUInt32BE(0);
      if (len > this.maxFrameBytes) throw new FrameTooLarge(len);
      const lacking = 4 + len - pending.length;
      if (chunk.length < lacking) {
        this.pending = Buffer.concat([pending, chunk]);
        return frames;
      }
      frames.push(Buffer.concat([pending, chunk.subarray(0, lacking)]).subarray(4));
      this.pending = undefined;
      buf = chunk.subarray(lacking);
    }
    let p = 0;
    while (buf.length - p >= 4) {
      const len = buf.readUInt32BE(p);
      if (len > this.maxFrameBytes) throw new FrameTooLarge(len);
      if (buf.length - p - 4 < len) break;
      frames.push(buf.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
    if (p < buf.length) this.pending = Buffer.from(buf.subarray(p));
    return frames;
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
