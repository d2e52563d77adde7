/**
 * Duplicate suppression for a live stream: the data-header sequence numbers (u32, wrapping) seen among the last
 * `size` before the highest. Unlike `forward`, nothing is held back for order: a late packet that was never seen
 * passes (live audio takes it or not, the RTP receiver decides), a repeat is a duplicate, and one older than the
 * window is stale. A jump of `RESTART_DISTANCE` or more either way is a restarted numbering. Memory: `size` bits.
 */

import { seqDiff } from '../../session/data-header.ts';

/** A jump at least this large (either way) means the stream's numbering restarted. */
const RESTART_DISTANCE = 1 << 20;

/** What a sequence number is to the window. */
export type SeqVerdict = 'new' | 'duplicate' | 'stale';

/** The last `size` sequence numbers of one stream. */
export class SeqWindow {
  private readonly seen: Uint8Array;
  private highest: number | undefined;

  /** `size`: sequence numbers remembered, a power of two (so slots stay put across the u32 wrap). */
  constructor(private readonly size: number) {
    this.seen = new Uint8Array(Math.ceil(size / 8));
  }

  /** Takes `seq`: whether it is new (and now remembered), a duplicate, or older than the window. */
  accept(seq: number): SeqVerdict {
    if (this.highest === undefined) return this.restart(seq);
    const d = seqDiff(seq, this.highest);
    if (d >= RESTART_DISTANCE || d <= -RESTART_DISTANCE) return this.restart(seq);
    if (d <= -this.size) return 'stale';
    if (d <= 0) {
      if (this.has(seq)) return 'duplicate';
      this.mark(seq, true);
      return 'new';
    }
    // Moving up: the slots between the old highest and `seq` are sequence numbers not seen yet.
    for (let k = 1; k < Math.min(d, this.size); k++) this.mark((this.highest + k) >>> 0, false);
    this.mark(seq, true);
    this.highest = seq;
    return 'new';
  }

  private restart(seq: number): SeqVerdict {
    this.seen.fill(0);
    this.highest = seq;
    this.mark(seq, true);
    return 'new';
  }

  private has(seq: number): boolean {
    const slot = seq % this.size;
    return ((this.seen[slot >> 3] as number) & (1 << (slot & 7))) !== 0;
  }

  private mark(seq: number, on: boolean): void {
    const slot = seq % this.size;
    const bit = 1 << (slot & 7);
    this.seen[slot >> 3] = on ? (this.seen[slot >> 3] as number) | bit : (this.seen[slot >> 3] as number) & ~bit;
  }
}
