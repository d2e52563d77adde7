/**
 * Delivery to local clients in sequence order, without duplicates, for one source: a packet after a gap waits
 * until the gap is repaired or given up (`abandon`), or until too many wait (the oldest gaps are then skipped).
 * Given-up seqs are remembered until delivery passes them, at most `maxAbandoned` (past that, the oldest gaps are
 * skipped too), so an upstream jumping ahead again and again cannot grow the set without bound.
 */

import { seqDiff, type DataPacket } from '../../session/data-header.ts';

/** Why a sequence number was skipped: given up on (`stale`), or too many packets waiting behind it (`overflow`). */
export type SkipReason = 'stale' | 'overflow';

/** The in-order delivery point of one source. */
export class InOrderDelivery {
  private next: number | undefined;
  private readonly held = new Map<number, DataPacket>();
  private readonly abandoned = new Set<number>();

  constructor(
    /** Most packets held back behind gaps. */
    private readonly maxHeld: number,
    /** Hands a packet to the local clients. */
    private readonly deliver: (packet: DataPacket) => void,
    /** A sequence number was skipped: its packet will never be delivered. */
    private readonly skipped: (seq: number, reason: SkipReason) => void,
    /** Most given-up sequence numbers remembered ahead of delivery. */
    private readonly maxAbandoned = Infinity,
  ) {}

  /** The next sequence number to deliver; undefined before the first packet. */
  get nextSeq(): number | undefined {
    return this.next;
  }

  /** Packets held back behind gaps. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Given-up sequence numbers delivery has not yet passed. */
  get abandonedCount(): number {
    return this.abandoned.size;
  }

  /** Whether `seq` is still wanted: not yet delivered, held or given up. */
  wants(seq: number): boolean {
    return this.next !== undefined && seqDiff(seq, this.next) >= 0 && !this.held.has(seq) && !this.abandoned.has(seq);
  }

  /** Offers a packet, fresh or repaired: delivered now if next in sequence, else held; a duplicate is ignored (false). */
  push(packet: DataPacket): boolean {
    const seq = packet.header.seq;
    if (this.next === undefined) this.next = seq;
    if (seqDiff(seq, this.next) < 0 || this.held.has(seq)) return false;
    this.abandoned.delete(seq);
    this.held.set(seq, packet);
    this.flush();
    if (this.held.size > this.maxHeld) this.skipToOldestHeld();
    this.boundAbandoned();
    return true;
  }

  /** Gives up on `seq`: delivery goes on past it. */
  abandon(seq: number): void {
    if (!this.wants(seq)) return;
    this.abandoned.add(seq);
    this.flush();
    this.boundAbandoned();
  }

  /** Delivers what is held in order, skipping the gaps, and starts over at the next packet (numbering restarted). */
  reset(): void {
    while (this.held.size > 0) this.skipToOldestHeld();
    this.abandoned.clear();
    this.next = undefined;
  }

  private flush(): void {
    let seq = this.next;
    if (seq === undefined) return;
    for (;;) {
      const p = this.held.get(seq);
      if (p) {
        this.held.delete(seq);
        this.deliver(p);
      } else if (this.abandoned.delete(seq)) {
        this.skipped(seq, 'stale');
      } else {
        this.next = seq;
        return;
      }
      seq = (seq + 1) >>> 0;
    }
  }

  /**
   * Too many given-up seqs: skips to the held packets until few enough are left. Each skip delivers at least one
   * held packet and forgets the given-up seqs it passes; a given-up seq lies below the source's newest packet, so
   * once that one is delivered none is left (one jump's worth may wait, when the newest packet is not pushed yet).
   */
  private boundAbandoned(): void {
    while (this.abandoned.size > this.maxAbandoned && this.held.size > 0) this.skipToOldestHeld();
  }

  /** Skips every missing seq before the oldest held packet, then delivers from there. */
  private skipToOldestHeld(): void {
    if (this.next === undefined) return;
    let oldest: number | undefined;
    for (const seq of this.held.keys()) if (oldest === undefined || seqDiff(seq, oldest) < 0) oldest = seq;
    if (oldest === undefined) return;
    for (let seq = this.next; seq !== oldest; seq = (seq + 1) >>> 0) {
      this.skipped(seq, this.abandoned.delete(seq) ? 'stale' : 'overflow');
    }
    this.next = oldest;
    this.flush();
  }
}
