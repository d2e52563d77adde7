/**
 * How many layers one downstream link carries, adapted to what the link drains (receiver-driven layered multicast,
 * done at each SCX for each of its links): on sustained congestion the top layer is shed (and as many more as the
 * link's drain rate cannot carry at the layers' measured rates), base layer last; after a quiet `probeMs` one layer
 * is added back. A probe that meets congestion within `probeWindowMs` failed: the next waits twice as long, up to
 * `maxProbeMs`; one that holds brings the wait back to `probeMs`.
 */

import type { Millis } from '../../core/time.ts';

/** How a link's layers adapt. */
export interface LayerSettings {
  /** Quiet time (queue delay under the threshold) before a layer is added back, ms. */
  readonly probeMs: number;
  /** Longest wait between probes after failures, ms. */
  readonly maxProbeMs: number;
  /** A probe followed by congestion within this long failed, ms. */
  readonly probeWindowMs: number;
  /** Least time between two sheds (the queue must show the effect of the last), ms. */
  readonly shedGapMs: number;
  /** The share of the link's drain rate the kept layers may fill (0..1). */
  readonly headroom: number;
}

/** Span of one measurement of the layers' offered rates, ms. */
const WINDOW_MS = 500;

/** The layers of one link. */
export class LinkLayers {
  /** Layers forwarded on the link now (layers 0..layers-1), at least 1. */
  layers: number;
  /** Times `layers` changed. */
  changes = 0;
  /** Bytes offered per layer in the current window, and the rate of each at the last window's end (bytes/s). */
  private readonly bytes: number[] = [];
  private readonly rates: number[] = [];
  private windowStart: Millis;
  private lastOverMs: Millis = -Infinity;
  private changedMs: Millis;
  private probedMs: Millis | undefined;
  private probeWait: number;
  /** Bytes queued on the link at the last change, and the fewest since: a shed waits while the queue drains. */
  private queuedAtChange = 0;
  private lowSinceChange = 0;

  constructor(
    private readonly s: LayerSettings,
    /** The layers a new link starts with. */
    layers: number,
    now: Millis,
  ) {
    this.layers = Math.max(1, layers);
    this.windowStart = this.changedMs = now;
    this.probeWait = s.probeMs;
  }

  /** Counts a packet of `layer` offered to the link: true when the link carries that layer now. */
  offer(layer: number, size: number): boolean {
    this.bytes[layer] = (this.bytes[layer] ?? 0) + size;
    return layer < this.layers;
  }

  /** How many layers were offered in the last window (the stream's top layer + 1), at least 1. */
  get offeredLayers(): number {
    return Math.max(1, this.rates.length);
  }

  /**
   * Looks at the link at `now`: `over` its queue delay is over the threshold, `congested` it has been for the hold
   * time, `queued` bytes wait on it, `linkRate` its drain rate (bytes/s, undefined unmeasured). A queue below what it
   * held at the last change, and not a quarter over its low since, is draining what came before: no further shed.
   * Returns the change made: +1, -n or 0.
   */
  look(now: Millis, over: boolean, congested: boolean, queued: number, linkRate: number | undefined): number {
    this.measure(now);
    if (over) this.lastOverMs = now;
    const before = this.layers;
    // A shed waits for the first window's rates: without them no layer can be told from another.
    this.lowSinceChange = Math.min(this.lowSinceChange, queued);
    const growing = queued >= Math.min(this.queuedAtChange, this.lowSinceChange * 1.25);
    if (congested && growing && this.layers > 1 && this.rates.length > 0 && now - this.changedMs >= this.s.shedGapMs) {
      if (this.probedMs !== undefined && now - this.probedMs < this.s.probeWindowMs) this.probeWait = Math.min(this.s.maxProbeMs, this.probeWait * 2);
      this.probedMs = undefined;
      this.layers = Math.max(1, Math.min(Math.min(this.layers, this.offeredLayers) - 1, this.fit(linkRate)));
    } else if (this.probedMs !== undefined && now - this.probedMs >= this.s.probeWindowMs) {
      this.probedMs = undefined;
      this.probeWait = this.s.probeMs;
    } else if (!over && this.layers < this.offeredLayers && now - Math.max(this.lastOverMs, this.changedMs) >= this.probeWait) {
      this.layers++;
      this.probedMs = now;
    }
    const change = this.layers - before;
    if (change !== 0) {
      this.changes++;
      this.changedMs = now;
      this.queuedAtChange = this.lowSinceChange = queued;
    }
    return change;
  }

  /** How many layers `linkRate` carries at the layers' measured rates (all offered when unmeasured). */
  private fit(linkRate: number | undefined): number {
    if (linkRate === undefined) return this.rates.length;
    let sum = 0;
    for (let k = 0; k < this.rates.length; k++) {
      sum += this.rates[k] ?? 0;
      if (sum > linkRate * this.s.headroom) return k;
    }
    return this.rates.length;
  }

  /** Closes the measurement window when it is due. */
  private measure(now: Millis): void {
    const span = now - this.windowStart;
    if (span < WINDOW_MS) return;
    this.rates.length = 0;
    for (let k = 0; k < this.bytes.length; k++) this.rates.push(((this.bytes[k] ?? 0) * 1000) / span);
    while (this.rates.length > 0 && this.rates[this.rates.length - 1] === 0) this.rates.pop();
    this.bytes.length = 0;
    this.windowStart = now;
  }
}
