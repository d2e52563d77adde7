/**
 * The open repair requests of one source at one SCX (paper 5.1): for each missing sequence number, the soft
 * state of who asked for it (downstream links, and `LOCAL_LINK` when this SCX's own clients miss it), when this
 * SCX last NACKed it upstream, and when its own retry is due.
 */

import type { Millis } from '../../core/time.ts';
import { LOCAL_LINK, type LinkId } from '../../transport/service-module.ts';

/** One missing sequence number and who waits for it. */
export interface RepairRequest {
  /** When the request was opened, ms. */
  readonly since: Millis;
  /** Links that asked, each with when its soft state ends, ms; `LOCAL_LINK` (this SCX's clients) never expires. */
  readonly askers: Map<LinkId, Millis>;
  /** When this SCX last sent a NACK upstream for it, ms; undefined before the first. */
  askedAt: Millis | undefined;
  /** NACKs this SCX's own retry timer has sent for it. */
  tries: number;
  /** When this SCX's own timer next NACKs it upstream, ms; undefined when only downstream links want it. */
  nackAt: Millis | undefined;
}

/** The open requests of one source, by seq, bounded in number. */
export class RepairRequests {
  private readonly bySeq = new Map<number, RepairRequest>();

  constructor(
    /** Most requests open at once. */
    private readonly maxRequests: number,
  ) {}

  /** Requests open. */
  get size(): number {
    return this.bySeq.size;
  }

  get(seq: number): RepairRequest | undefined {
    return this.bySeq.get(seq);
  }

  /** Every open request. */
  entries(): IterableIterator<[number, RepairRequest]> {
    return this.bySeq.entries();
  }

  /** Opens a request for `seq` (no asker yet); undefined when the table is full. */
  open(seq: number, now: Millis): RepairRequest | undefined {
    const existing = this.bySeq.get(seq);
    if (existing) return existing;
    if (this.bySeq.size >= this.maxRequests) return undefined;
    const r: RepairRequest = { since: now, askers: new Map(), askedAt: undefined, tries: 0, nackAt: undefined };
    this.bySeq.set(seq, r);
    return r;
  }

  /** Closes the request for `seq` (repaired, or nobody waits any more). */
  close(seq: number): void {
    this.bySeq.delete(seq);
  }

  /** This SCX's clients no longer wait for `seq`; the request closes if no link does either. */
  withdrawLocal(seq: number): void {
    const r = this.bySeq.get(seq);
    if (!r) return;
    r.askers.delete(LOCAL_LINK);
    r.nackAt = undefined;
    if (r.askers.size === 0) this.bySeq.delete(seq);
  }

  /** Forgets `link` in every request (its peer is gone); requests nobody waits for close. */
  forgetLink(link: LinkId): void {
    for (const [seq, r] of this.bySeq) if (r.askers.delete(link) && r.askers.size === 0) this.bySeq.delete(seq);
  }

  /** Ends the soft state of every link whose time is up at `now`; requests nobody waits for close. */
  expire(now: Millis): void {
    for (const [seq, r] of this.bySeq) {
      for (const [link, until] of r.askers) if (until <= now) r.askers.delete(link);
      if (r.askers.size === 0) this.bySeq.delete(seq);
    }
  }

  /** The earliest time something is due: a retry, or the end of a link's soft state (ms). */
  nextDeadline(): Millis | undefined {
    let next = Infinity;
    for (const r of this.bySeq.values()) {
      if (r.nackAt !== undefined && r.nackAt < next) next = r.nackAt;
      for (const until of r.askers.values()) if (until < next) next = until;
    }
    return next === Infinity ? undefined : next;
  }

  /** Drops every request (the source restarted its numbering). */
  clear(): void {
    this.bySeq.clear();
  }
}
