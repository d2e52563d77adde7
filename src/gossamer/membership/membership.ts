import type { Random } from '../../core/random.ts';
import type { Millis } from '../../core/time.ts';
import type { ScxId } from '../wire/messages.ts';

/**
 * Gamma(X): the SCXs this SCX knows of in its session (section 4.1), plus those marked dead by a LEAVE
 * (section 4.2.2). A dead mark expires, and is lifted at once when the SCX is heard from directly.
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

  /** Learns of `id` second-hand (gossip); ignored while it is marked dead, or if not accepted. Returns true if it was new. */
  learn(id: ScxId): boolean {
    if (id === this.self || this.known.has(id) || this.deadUntil.has(id) || !this.accepts(id)) return false;
    this.add(id);
    return true;
  }

  /** Whether `id` was marked dead less than `graceMs` ago: a message from it now may predate its death. */
  recentlyDead(id: ScxId, now: Millis, graceMs: Millis): boolean {
    const since = this.deadSince.get(id);
    return since !== undefined && now - since < graceMs;
  }

  /** `id` spoke to us directly: it is alive whatever we were told. */
  heardFrom(id: ScxId): void {
    if (id === this.self) return;
    if (this.missed.size > 0) this.missed.delete(id);
    if (this.deadUntil.size > 0 && this.deadUntil.delete(id)) this.deadSince.delete(id);
    if (!this.known.has(id)) this.add(id);
  }

  /** Marks `id` dead until `now + memoryMs`. Returns true if it was not already dead. */
  markDead(id: ScxId, now: Millis, memoryMs: Millis): boolean {
    if (id === this.self) return false;
    const wasDead = this.deadUntil.has(id);
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
