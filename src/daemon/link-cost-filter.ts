/**
 * What the daemon tells Gossamer a link costs: the least of the probe module's smoothed RTTs to the peer over the
 * last `windowMs`, halved (one way). A busy peer or a queue only ever adds delay, so the minimum is the link's own
 * latency, while the smoothed RTT of a loaded host swings by milliseconds (measured on 12 nodes sharing 2 cores: a
 * link's one-way cost spanned 0.85-1.0 ms over 50 s at the median, 0.55-0.6 ms with a 10-s minimum). A fall shows
 * at once; a rise once it has lasted the window (so the window is short: the idle RTTs of a start-up must not
 * outlive it by much). Sans-IO: the caller gives the time.
 */

/** How long a low RTT is remembered, ms. */
export const LINK_COST_WINDOW_MS = 10_000;

/** Least one-way latency reported, ms: a LAN's RTT may round to 0. */
export const LINK_COST_FLOOR_MS = 0.05;

export class LinkCostFilter {
  /** Per peer, the samples that may yet be the minimum: times ascending, values strictly ascending. */
  private readonly minima = new Map<string, Array<{ at: number; rttMs: number }>>();

  constructor(private readonly windowMs = LINK_COST_WINDOW_MS) {}

  /** A smoothed RTT to `peer` at `now`, ms; returns the link cost to report, ms. */
  add(peer: string, rttMs: number, now: number): number {
    let q = this.minima.get(peer);
    if (!q) {
      q = [];
      this.minima.set(peer, q);
    }
    while (q.length > 0 && (q.at(-1) as { rttMs: number }).rttMs >= rttMs) q.pop();
    q.push({ at: now, rttMs });
    let drop = 0;
    while (drop < q.length - 1 && (q[drop] as { at: number }).at <= now - this.windowMs) drop++;
    if (drop > 0) q.splice(0, drop);
    return Math.max(LINK_COST_FLOOR_MS, (q[0] as { rttMs: number }).rttMs / 2);
  }

  /** Forgets `peer` (it died: a later incarnation is measured afresh). */
  forget(peer: string): void {
    this.minima.delete(peer);
  }
}
