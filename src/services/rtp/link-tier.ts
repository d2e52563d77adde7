/**
 * The bitrate tier of one downstream link (adaptation, paper 6.6.1), decided on the link's own loss: the `own` report
 * block of the aggregate its SCX sends, the loss on the hop into it. A loss deeper down shows in that SCX's own
 * links, and is handled there, not by every ancestor. Hysteresis: `adaptAfterReports` lossy reports in a row step
 * down, `recoverAfterReports` clean ones step up, and anything between the thresholds resets both runs.
 */

/** The thresholds a link tier follows (from the module's settings). */
export interface TierThresholds {
  readonly adaptLossThreshold: number;
  readonly adaptAfterReports: number;
  readonly recoverLossThreshold: number;
  readonly recoverAfterReports: number;
}

/** One downstream link's tier and what it sends. */
export class LinkTier {
  /** The tier the link should get: 0 is the original stream, higher is lower bitrate. */
  tier = 0;
  /**
   * The tier of the stream the link gets now: it differs from `tier` after a change until the new tier's stream has
   * its first packet (make-before-break: the old stream goes on meanwhile).
   */
  live = 0;
  private lossy = 0;
  private clean = 0;

  constructor(
    private readonly s: TierThresholds,
    /** The lowest tier (the highest index). */
    private readonly lowest: number,
  ) {}

  /** Takes one report's loss on the link, fraction 0..1; the step taken: -1 down to a lower bitrate... (see `tier`). */
  observe(fractionLost: number): -1 | 0 | 1 {
    if (fractionLost > this.s.adaptLossThreshold) {
      this.clean = 0;
      if (++this.lossy < this.s.adaptAfterReports || this.tier === this.lowest) return 0;
      this.lossy = 0;
      this.tier++;
      return -1;
    }
    this.lossy = 0;
    if (fractionLost >= this.s.recoverLossThreshold) {
      this.clean = 0;
      return 0;
    }
    if (++this.clean < this.s.recoverAfterReports || this.tier === 0) return 0;
    this.clean = 0;
    this.tier--;
    return 1;
  }
}
