import type { Random } from '../../core/random.ts';
import type { Millis } from '../../core/time.ts';
import type { ScxId } from '../wire/messages.ts';

/** Ids the membership refused for its bounds, by reason; read by the node's stats. */
export interface MembersRefused {
  /** New ids past `discoveryMembersPerAnswer` in one gossiped list. */
  answer: number;
  /** Ids not learned, nor marked dead, because the membership already held `maxMembers` (a sender heard again is counted again). */
  full: number;
}

/**
 * Gamma(X): the SCXs this SCX knows of in its session (section 4.1), plus those marked dead by a LEAVE
 * (section 4.2.2). A dead mark expires, and is lifted at once when the SCX is heard from directly. The two
 * together hold at most `maxMembers` ids, so that gossip naming invented SCXs cannot grow it without bound.
 */
export class Membership {
  private readonly known = new Set<ScxId>();
  /** Dense copy of `known` for O(1) random choice; kept in step with `known`. */
  private readonly list: ScxId[] = [];
  private readonly index = new Map<ScxId, number>();
  private readonly deadUntil = new Map<ScxId, Millis>();
  private readonly deadSince = new Map<ScxId, Millis>();
  private readonly missed = new Map<ScxId, number>();

  constructor(
    private readonly self: ScxId,
    /** Whether an id may be learned at all (the driver can reach it); asked only of ids new to this membership. */
    private readonly accepts: (id: ScxId) => boolean,
    /** Most ids held, known alive and marked dead together. */
    private readonly maxMembers: number,
    /** Where refusals are counted. */
    private readonly refused: MembersRefused,
  ) {}

  /** Number of SCXs known alive. */
  get size(): number {
    return this.list.length;
  }

  /** Whether `id` is known alive. */
  has(id: ScxId): boolean {
    return this.known.has(id);
  }

  /** Whether `id` is marked dead. */
  isDead(id: ScxId): boolean {
    return this.deadUntil.has(id);
  }

  /** The SCXs known alive, in no particular order. */
  members(): readonly ScxId[] {
    return this.list;
  }

  /** Learns of `id` second-hand (gossip); ignored while it is marked dead, if not accepted, or if the membership is full (counted). Returns true if it was new. */
  learn(id: ScxId): boolean {
    if (!this.isNew(id) || !this.accepts(id) || !this.hasRoom()) return false;
    this.add(id);
    return true;
  }

  /** Learns the ids of one gossiped list, at most `most` of them new; the new ones past that are refused (counted). Returns those learned. */
  learnList(ids: readonly ScxId[], most: number): ScxId[] {
    const learned: ScxId[] = [];
    for (const id of ids) {
      if (learned.length < most) {
        if (this.learn(id)) learned.push(id);
      } else if (this.isNew(id)) {
        this.refused.answer++;
      }
    }
    return learned;
  }

  /** Whether `id` was marked dead less than `graceMs` ago: a message from it now may predate its death. */
  recentlyDead(id: ScxId, now: Millis, graceMs: Millis): boolean {
    const since = this.deadSince.get(id);
    return since !== undefined && now - since < graceMs;
  }

  /** `id` spoke to us directly: it is alive whatever we were told (and known, unless the membership is full: counted). */
  heardFrom(id: ScxId): void {
    if (id === this.self) return;
    if (this.missed.size > 0) this.missed.delete(id);
    if (this.deadUntil.size > 0 && this.deadUntil.delete(id)) this.deadSince.delete(id);
    if (!this.known.has(id) && this.hasRoom()) this.add(id);
  }

  /** Marks `id` dead until `now + memoryMs` (an id not known is not marked if the membership is full: counted). Returns true if it was not already dead. */
  markDead(id: ScxId, now: Millis, memoryMs: Millis): boolean {
    if (id === this.self) return false;
    const wasDead = this.deadUntil.has(id);
    if (!wasDead && !this.known.has(id) && !this.hasRoom()) return true;
    this.deadUntil.set(id, now + memoryMs);
    if (!wasDead) this.deadSince.set(id, now);
    this.remove(id);
    return !wasDead;
  }

  /** A request to `id` went unanswered; after `limit` in a row it is forgotten. Returns true if forgotten. */
  missedRequest(id: ScxId, limit: number): boolean {
    const n = (this.missed.get(id) ?? 0) + 1;
    if (n < limit) {
      this.missed.set(id, n);
      return false;
    }
    this.missed.delete(id);
    this.remove(id);
    return true;
  }

  /** Lifts the dead marks that have run out. */
  expireDead(now: Millis): void {
    for (const [id, until] of this.deadUntil) {
      if (until > now) continue;
      this.deadUntil.delete(id);
      this.deadSince.delete(id);
    }
  }

  /** A bounded random subset gamma(X) of the known SCXs, leaving out those `skip` names. */
  sample(rng: Random, bound: number, skip?: (id: ScxId) => boolean): ScxId[] {
    return rng.sample(this.list, bound, skip);
  }

  /** One known SCX chosen uniformly, skipping those `exclude` rejects (bounded tries). */
  pick(rng: Random, exclude: (id: ScxId) => boolean): ScxId | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    const start = rng.int(n);
    for (let i = 0; i < n; i++) {
      const id = this.list[(start + i) % n] as ScxId;
      if (!exclude(id)) return id;
    }
    return undefined;
  }

  /** Whether `id` is neither this SCX, nor known, nor marked dead. */
  private isNew(id: ScxId): boolean {
    return id !== this.self && !this.known.has(id) && !this.deadUntil.has(id);
  }

  /** Whether one more id fits; counts a refusal if not. */
  private hasRoom(): boolean {
    if (this.list.length + this.deadUntil.size < this.maxMembers) return true;
    this.refused.full++;
    return false;
  }

  private add(id: ScxId): void {
    this.known.add(id);
    this.index.set(id, this.list.length);
    this.list.push(id);
  }

  private remove(id: ScxId): void {
    if (!this.known.delete(id)) return;
    const i = this.index.get(id) as number;
    const last = this.list.pop() as ScxId;
    if (last !== id) {
      this.list[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(id);
    this.missed.delete(id);
  }
}
