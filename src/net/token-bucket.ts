/**
 * A token bucket: `perSecond` tokens a second, held up to `burst`; it starts full. A take that finds too few
 * tokens takes none.
 */

/** A rate limit on some unit (bytes, dials) with bursts. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    /** Tokens added a second. */
    private readonly perSecond: number,
    /** Tokens held at most: the largest burst. */
    private readonly burst: number,
    /** The clock, ms. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes `n` tokens if there are that many now; false (none taken) if not. */
  take(n: number): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
