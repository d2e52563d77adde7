/**
 * The repair cache of one source at one SCX: the most recent packets it forwarded, by sequence number, so that
 * it can answer a downstream NACK itself. Bounded by count and by age, oldest out first.
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';

interface Entry {
  readonly packet: DataPacket;
  readonly at: Millis;
}

/** Recent packets of one source, by seq. */
export class RepairCache {
  /** Insertion order is age order: the first key is the oldest. */
  private readonly entries = new Map<number, Entry>();

  constructor(
    /** Most packets kept. */
    private readonly maxPackets: number,
    /** Longest a packet is kept, ms. */
    private readonly maxAgeMs: number,
  ) {}

  /** Packets cached. */
  get size(): number {
    return this.entries.size;
  }

  /** Keeps `packet` (seen at `now`, ms), evicting the oldest beyond the bounds. */
  put(packet: DataPacket, now: Millis): void {
    const seq = packet.header.seq;
    if (this.entries.has(seq)) return;
    this.entries.set(seq, { packet, at: now });
    this.evict(now);
  }

  /** The packet with `seq`, if still cached at `now`. */
  get(seq: number, now: Millis): DataPacket | undefined {
    this.evict(now);
    return this.entries.get(seq)?.packet;
  }

  /** Whether `seq` is cached (regardless of age). */
  has(seq: number): boolean {
    return this.entries.has(seq);
  }

  /** Forgets everything (the source restarted its numbering). */
  clear(): void {
    this.entries.clear();
  }

  private evict(now: Millis): void {
    for (const [seq, e] of this.entries) {
      if (this.entries.size <= this.maxPackets && now - e.at <= this.maxAgeMs) return;
      this.entries.delete(seq);
    }
  }
}
