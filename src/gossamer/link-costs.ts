import type { ScxId } from './wire/messages.ts';

/**
 * Latencies to peers, ms: what the probe module measured (`setLinkCost`), else half the round trip of this
 * SCX's own REQUEST_STATUS exchange. Shared by routing (the metric) and the optimiser (the cost function).
 */
export class LinkCosts {
  private readonly probed = new Map<ScxId, number>();
  private readonly estimated = new Map<ScxId, number>();
  private readonly requested = new Set<ScxId>();

  /** The best-known latency to `peer`, or undefined if never measured. */
  get(peer: ScxId): number | undefined {
    return this.probed.get(peer) ?? this.estimated.get(peer);
  }

  /**
   * Records a probe measurement. One within `fraction` of the probed cost in use, or within `minMs` of it, leaves
   * that cost in use (so jitter, even as a slow drift, changes no route cost); returns true when the cost in use
   * moved by more than both (routes must be redone).
   */
  setProbed(peer: ScxId, ms: number, fraction: number, minMs = 0): boolean {
    const moved = (before: number): boolean => Math.abs(ms - before) > Math.max(fraction * before, minMs);
    const inUse = this.probed.get(peer);
    if (inUse !== undefined && !moved(inUse)) return false;
    const before = this.get(peer);
    this.probed.set(peer, ms);
    return before === undefined || moved(before);
  }

  /** Records a round-trip estimate, used only until a probe measurement exists; returns true if it is now in use and moved. */
  setEstimated(peer: ScxId, ms: number, fraction: number): boolean {
    if (this.probed.has(peer)) return false;
    const before = this.estimated.get(peer);
    this.estimated.set(peer, ms);
    return before === undefined || Math.abs(ms - before) > fraction * before;
  }

  /** True the first time a measurement of `peer` is asked for (so the probe module is asked once). */
  firstRequest(peer: ScxId): boolean {
    if (this.probed.has(peer) || this.requested.has(peer)) return false;
    this.requested.add(peer);
    return true;
  }

  /** Forgets a peer that died, so a later incarnation is measured afresh. */
  forget(peer: ScxId): void {
    this.probed.delete(peer);
    this.estimated.delete(peer);
    this.requested.delete(peer);
  }
}
