/**
 * Delivery to local clients in sequence order, without duplicates, for one source: a packet after a gap waits
 * until the gap is repaired or given up (`abandon`), or until too many wait (the oldest gaps are then skipped).
 * Nothing is skipped silently: every run of skipped seqs goes to `skipped`, in the stream's order, before the
 * packet that follows it (the module turns it into a loss report for its clients).
 * Given-up seqs are remembered until delivery passes them, at most `maxAbandoned` (past that, the oldest gaps are
 * skipped too), so an upstream jumping ahead again and again cannot grow the set without bound.
 */

import { seqDiff, type DataPacket } from '../../session/data-header.ts';
import type { LossReason } from './loss-report.ts';

/** A run of skipped seqs not yet handed to `skipped` (the next skip may extend it). */
interface Run {
  readonly first: number;
  count: number;
  readonly reason: LossReason;
}

/** The in-order delivery point of one source. */
export class InOrderDelivery {
  private next: number | undefined;
  private readonly held = new Map<number, DataPacket>();
  private readonly abandoned = new Map<number, LossReason>();
  private run: Run | undefined;

  constructor(
    /** Most packets held back behind gaps. */
    private readonly maxHeld: number,
    /** Hands a packet to the local clients. */
    private readonly deliver: (packet: DataPacket) => void,
    /** Seqs `first`, ..., `first + count - 1` were skipped: their packets will never be delivered. */
    private readonly skipped: (first: number, count: number, reason: LossReason) => void,
    /** Most given-up sequence numbers remembered ahead of delivery. */
    private readonly maxAbandoned = Infinity,
  ) {}

  /** The next sequence number to deliver; undefined before the first packet (or `start`). */
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

  /** Makes `seq` the first one to deliver, if nothing set it yet (an SPM announced the source before its first packet). */
  start(seq: number): void {
    this.next ??= seq;
  }

  /** Offers a packet, fresh or repaired: delivered now if next in sequence, else held; a duplicate is ignored (false). */
  push(packet: DataPacket): boolean {
    const seq = packet.header.seq;
    if (this.next === undefined) this.next = seq;
    if (seqDiff(seq, this.next) < 0 || this.held.has(seq)) return false;
    this.abandoned.delete(seq);
    this.held.set(seq, packet);
    this.flush();
    if (this.held.size > this.maxHeld) this.skipToOldestHeld('overflow');
    this.boundAbandoned();
    this.endRun();
    return true;
  }

  /** Gives up on `seqs` for `reason`: delivery goes on past them (consecutive ones skipped in one run). */
  abandon(seqs: readonly number[], reason: LossReason): void {
    for (const seq of seqs) if (this.wants(seq)) this.abandoned.set(seq, reason);
    this.flush();
    this.boundAbandoned();
    this.endRun();
  }

  /** Skips every seq before `seq` not delivered yet (held ones go out on the way): the source jumped ahead. */
  jumpTo(seq: number): void {
    if (this.next !== undefined && seqDiff(seq, this.next) > 0) this.skipTo(seq, 'jump');
    this.endRun();
  }

  /** Delivers what is held in order, skipping the gaps (as `jump`), and starts over at the next packet (numbering restarted). */
  reset(): void {
    while (this.held.size > 0) this.skipToOldestHeld('jump');
    this.abandoned.clear();
    this.next = undefined;
    this.endRun();
  }

  private flush(): void {
    let seq = this.next;
    if (seq === undefined) return;
    for (;;) {
      const p = this.held.get(seq);
      const reason = this.abandoned.get(seq);
      if (p) {
        this.held.delete(seq);
        this.out(p);
      } else if (reason !== undefined) {
        this.abandoned.delete(seq);
        this.skip(seq, 1, reason);
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
    while (this.abandoned.size > this.maxAbandoned && this.held.size > 0) this.skipToOldestHeld('overflow');
  }

  /** Skips every missing seq before the oldest held packet (for `reason`, unless given up for another), then delivers from there. */
  private skipToOldestHeld(reason: LossReason): void {
    if (this.next === undefined) return;
    let oldest: number | undefined;
    for (const seq of this.held.keys()) if (oldest === undefined || seqDiff(seq, oldest) < 0) oldest = seq;
    if (oldest !== undefined) this.skipTo(oldest, reason);
  }

  /**
   * Moves delivery to `target`: held packets before it go out, given-up seqs are skipped for their reason, and
   * the other missing seqs for `reason`. Works on ranges, so a jump costs the held and given-up seqs, not its length.
   */
  private skipTo(target: number, reason: LossReason): void {
    const from = this.next;
    if (from === undefined) return;
    const span = seqDiff(target, from);
    const within = (seq: number): boolean => seqDiff(seq, from) < span;
    const marks = [...this.held.keys(), ...this.abandoned.keys()].filter(within).sort((a, b) => seqDiff(a, b));
    let cursor = from;
    for (const seq of marks) {
      const gap = seqDiff(seq, cursor);
      if (gap > 0) this.skip(cursor, gap, reason);
      const p = this.held.get(seq);
      if (p) {
        this.held.delete(seq);
        this.out(p);
      } else {
        this.skip(seq, 1, this.abandoned.get(seq) ?? reason);
        this.abandoned.delete(seq);
      }
      cursor = (seq + 1) >>> 0;
    }
    const rest = seqDiff(target, cursor);
    if (rest > 0) this.skip(cursor, rest, reason);
    this.next = target;
    this.flush();
  }

  /** Notes skipped seqs, merged with the run before them when they continue it for the same reason. */
  private skip(first: number, count: number, reason: LossReason): void {
    const r = this.run;
    if (r && r.reason === reason && ((r.first + r.count) >>> 0) === first) {
      r.count += count;
      return;
    }
    this.endRun();
    this.run = { first, count, reason };
  }

  /** Hands the pending run of skipped seqs to `skipped`. */
  private endRun(): void {
    const r = this.run;
    if (!r) return;
    this.run = undefined;
    this.skipped(r.first, r.count, r.reason);
  }

  /** Delivers `p`, after the report of the seqs skipped before it. */
  private out(p: DataPacket): void {
    this.endRun();
    this.deliver(p);
  }
}
