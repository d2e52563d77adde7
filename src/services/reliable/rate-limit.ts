/**
 * A token bucket per link: at most `perSecond` messages a second from each link, in bursts of up to `perSecond`.
 * A link whose bucket has refilled is forgotten, so the table holds only links that sent recently.
 */

import type { Millis } from '../../core/time.ts';
import type { LinkId } from '../../transport/service-module.ts';

interface Bucket {
  tokens: number;
  at: Millis;
}

/** Links at which a new one makes the table drop the buckets that have refilled (they equal no bucket). */
const PRUNE_AT = 64;

/** Per-link rate limits. */
export class LinkRateLimit {
  private readonly buckets = new Map<LinkId, Bucket>();

  constructor(
    /** Messages a second each link may send, and the largest burst. */
    private readonly perSecond: number,
  ) {}

  /** Links with a bucket not yet refilled (at the last call that looked). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one message of `link` at `now` (ms): false when its bucket is empty. */
  take(link: LinkId, now: Millis): boolean {
    let b = this.buckets.get(link);
    if (!b) {
      if (this.buckets.size >= PRUNE_AT) this.prune(now);
      b = { tokens: this.perSecond, at: now };
      this.buckets.set(link, b);
    } else {
      this.refill(b, now);
    }
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  /** Forgets `link` (its peer is gone). */
  forget(link: LinkId): void {
    this.buckets.delete(link);
  }

  /** Drops the buckets that have refilled by `now`. */
  prune(now: Millis): void {
    for (const [link, b] of this.buckets) {
      this.refill(b, now);
      if (b.tokens >= this.perSecond) this.buckets.delete(link);
    }
  }

  private refill(b: Bucket, now: Millis): void {
    if (now <= b.at) return;
    b.tokens = Math.min(this.perSecond, b.tokens + ((now - b.at) * this.perSecond) / 1000);
    b.at = now;
  }
}
