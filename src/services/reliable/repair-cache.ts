/**
 * The repair cache of one source at one SCX: the most recent packets it forwarded, by sequence number, so that
 * it can answer a downstream NACK itself, and when it last sent each one as a repair on each link (a NACK that
 * crossed that repair on the way is not answered twice). Bounded by count and by age, oldest out first.
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { LinkId } from '../../transport/service-module.ts';

interface Entry {
  readonly packet: DataPacket;
  readonly at: Millis;
  /** When the packet last went to each link as a repair, ms (at most one per downstream link). */
  repairs?: Map<LinkId, Millis>;
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

  /** Notes that `seq` went to `link` as a repair at `now` (ms); nothing if it is not cached. */
  repairedTo(seq: number, link: LinkId, now: Millis): void {
    const e = this.entries.get(seq);
    if (e) (e.repairs ??= new Map()).set(link, now);
  }

  /** Whether `seq` went to `link` as a repair after `since` (ms). */
  repairedSince(seq: number, link: LinkId, since: Millis): boolean {
    return (this.entries.get(seq)?.repairs?.get(link) ?? -Infinity) > since;
  }

  /** The oldest seq still cached at `now` (the trail of what can be repaired from here); undefined when empty. */
  oldest(now: Millis): number | undefined {
    this.evict(now);
    for (const seq of this.entries.keys()) return seq;
    return undefined;
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
