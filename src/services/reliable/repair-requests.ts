/**
 * The open repair requests of one source at one SCX (paper 5.1): for each missing sequence number, the soft
 * state of who asked for it (downstream links, and `LOCAL_LINK` when this SCX's own clients miss it), when this
 * SCX last NACKed it upstream, and when its own retry is due.
 */

import type { Millis } from '../../core/time.ts';
import { seqDiff } from '../../session/data-header.ts';
import { LOCAL_LINK, type LinkId } from '../../transport/service-module.ts';
import type { ReliableSettings } from './options.ts';

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

  /**
   * `from`, a downstream link, asks for `seq` at `now` (ms): it joins the soft state for `stateMs`. Says whether the
   * NACK must go upstream (`ask`: first asked, or the same link asks again `retryMs` after the last NACK, its repair
   * lost), is `suppressed` (already asked), or finds the table `full`.
   */
  join(seq: number, from: LinkId, now: Millis, stateMs: number, retryMs: number): 'ask' | 'suppressed' | 'full' {
    const existing = this.bySeq.get(seq);
    const r = existing ?? this.open(seq, now);
    if (!r) return 'full';
    const repeat = r.askers.has(from);
    r.askers.set(from, now + stateMs);
    const neverAsked = r.askedAt === undefined && r.nackAt === undefined;
    const retry = repeat && r.askedAt !== undefined && now - r.askedAt >= retryMs;
    if (existing && !neverAsked && !retry) return 'suppressed';
    r.askedAt = now;
    return 'ask';
  }

  /**
   * The requests whose own retry is due at `now` (ms): to NACK again (`nack`, `retries` of them not for the first
   * time; the next wait doubles from `retryMs` up to `retryMaxMs`), or given up after `maxNacks` (`expired`).
   */
  due(now: Millis, s: Pick<ReliableSettings, 'retryMs' | 'retryMaxMs' | 'maxNacks'>): { nack: number[]; expired: number[]; retries: number } {
    const nack: number[] = [];
    const expired: number[] = [];
    let retries = 0;
    for (const [seq, r] of this.bySeq) {
      if (r.nackAt === undefined || r.nackAt > now) continue;
      if (r.tries >= s.maxNacks) {
        expired.push(seq);
        continue;
      }
      if (r.tries > 0) retries++;
      r.tries++;
      r.askedAt = now;
      r.nackAt = now + Math.min(s.retryMs * 2 ** (r.tries - 1), s.retryMaxMs);
      nack.push(seq);
    }
    return { nack, expired, retries };
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

  /** `withdrawLocal` for every seq `first`, ..., `first + count - 1` (mod 2^32); costs the smaller of the range and the table. */
  withdrawLocalRange(first: number, count: number): void {
    if (count <= this.bySeq.size) {
      for (let k = 0; k < count; k++) this.withdrawLocal((first + k) >>> 0);
      return;
    }
    for (const seq of [...this.bySeq.keys()]) if (((seq - first) >>> 0) < count) this.withdrawLocal(seq);
  }

  /**
   * Closes the requests for `seqs` (nobody can repair them) and says who waited: whether this SCX's clients did,
   * by seq, and the links whose soft state runs past `now`.
   */
  closeUnavailable(seqs: Iterable<number>, now: Millis): { local: number[]; links: Map<LinkId, number[]> } {
    const local: number[] = [];
    const links = new Map<LinkId, number[]>();
    for (const seq of seqs) {
      const r = this.bySeq.get(seq);
      if (!r) continue;
      this.bySeq.delete(seq);
      for (const [link, until] of r.askers) {
        if (link === LOCAL_LINK) local.push(seq);
        else if (until > now) links.set(link, [...(links.get(link) ?? []), seq]);
      }
    }
    return { local, links };
  }

  /** The seqs this SCX's clients wait for that come before `seq`. */
  localBefore(seq: number): number[] {
    const out: number[] = [];
    for (const [s, r] of this.bySeq) if (r.askers.has(LOCAL_LINK) && seqDiff(s, seq) < 0) out.push(s);
    return out;
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
