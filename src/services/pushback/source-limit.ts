/**
 * The rate a source SCX lets its local source send at, driven by congestion notices: a notice of rate R sets the
 * limit to at most `backoff` x R (below the branch's capacity, so its queue drains); while no notice comes the
 * limit grows by `probeGain` every `probeMs` (probing, so the rate tracks capacity that comes back), and after
 * `liftMs` without one it is lifted.
 */

import type { Millis } from '../../core/time.ts';

/** How a source's limit follows notices. */
export interface LimitSettings {
  /** The limit after a notice, as a fraction of the notified rate (0..1). */
  readonly backoff: number;
  /** Without a notice for this long the limit grows by one probe step, and again each `probeMs` after, ms. */
  readonly probeMs: number;
  /** One probe step, as a fraction of the limit. */
  readonly probeGain: number;
  /** Without a notice for this long the limit is lifted, ms. */
  readonly liftMs: number;
  /** The limit never goes below this, bytes/s. */
  readonly minRate: number;
}

/** One source's sending limit. */
export class SourceLimit {
  /** Bytes/s the source may send now; undefined: no limit. */
  rate: number | undefined;
  /** When the last notice came. */
  private lastNoticeMs: Millis = -Infinity;
  /** When the limit last grew. */
  private lastProbeMs: Millis = -Infinity;

  constructor(private readonly s: LimitSettings) {}

  /** The branches below take `allowed` bytes/s now: lowers the limit to `backoff` x that. True if it changed. */
  notice(allowed: number, now: Millis): boolean {
    this.lastNoticeMs = now;
    const target = Math.max(this.s.minRate, allowed * this.s.backoff);
    if (this.rate !== undefined && this.rate <= target) return false;
    this.rate = target;
    return true;
  }

  /** Probes upwards or lifts the limit when notices have stopped. True if it changed. */
  tick(now: Millis): boolean {
    if (this.rate === undefined) return false;
    const quiet = now - this.lastNoticeMs;
    if (quiet >= this.s.liftMs) {
      this.rate = undefined;
      return true;
    }
    if (quiet < this.s.probeMs || now - this.lastProbeMs < this.s.probeMs) return false;
    this.lastProbeMs = now;
    this.rate *= 1 + this.s.probeGain;
    return true;
  }
}
