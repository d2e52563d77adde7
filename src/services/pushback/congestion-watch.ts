/**
 * Which links stay congested: a link is congested once its queue delay has been over a threshold for a hold time
 * without a break (a burst that drains within the hold is not congestion). Shared by pushback and layered
 * forwarding. State is one entry per link looked at, forgotten with the link.
 */

import type { Millis } from '../../core/time.ts';
import type { LinkId } from '../../transport/service-module.ts';

/** Thresholds of a congestion watch. */
export interface CongestionThresholds {
  /** A link's queue delay over this is a sign of congestion, ms. */
  readonly delayMs: number;
  /** The delay must stay over `delayMs` this long before the link counts as congested, ms. */
  readonly holdMs: number;
}

/** Per-link congestion state, fed with queue delays as they are looked at. */
export class CongestionWatch {
  /** Since when each link's delay has been over the threshold (absent: under it at the last look). */
  private readonly overSince = new Map<LinkId, Millis>();

  constructor(private readonly t: CongestionThresholds) {}

  /** Looks at `link`'s queue delay (ms) at `now`: true when the link stays congested. */
  observe(link: LinkId, delayMs: number, now: Millis): boolean {
    if (delayMs <= this.t.delayMs) {
      this.overSince.delete(link);
      return false;
    }
    const since = this.overSince.get(link);
    if (since === undefined) this.overSince.set(link, now);
    return since !== undefined && now - since >= this.t.holdMs;
  }

  /** Whether `link` was congested at the last look at `now`. */
  congested(link: LinkId, now: Millis): boolean {
    const since = this.overSince.get(link);
    return since !== undefined && now - since >= this.t.holdMs;
  }

  /** Starts `link`'s hold again (what it carries just changed). */
  restart(link: LinkId, now: Millis): void {
    if (this.overSince.has(link)) this.overSince.set(link, now);
  }

  /** Forgets `link` (it went down). */
  forget(link: LinkId): void {
    this.overSince.delete(link);
  }
}
