/**
 * How fast a link drains while packets wait on it: the bandwidth a module can count on (layered forwarding,
 * pushback). Only backlogged time counts, so an idle link says nothing about its capacity; the estimate is a moving
 * average over samples of at least SAMPLE_MS of backlog.
 */

import type { Millis } from '../core/time.ts';

/** Least backlogged time in one sample, ms. */
const SAMPLE_MS = 100;
/** Weight of a new sample in the moving average. */
const GAIN = 0.3;

/** The drain-rate estimate of one link. */
export class DrainMeter {
  /** Bytes/s the link drained at while backlogged; undefined until a sample was taken. */
  rate: number | undefined;
  /** When the current backlogged stretch (or its sample) began; undefined while the queue is empty. */
  private since: Millis | undefined;
  private bytes = 0;

  /** Packets were queued at `now` (a backlog starts if the queue was empty). */
  queued(now: Millis): void {
    this.since ??= now;
  }

  /** `bytes` left the queue at `now`; `empty`: nothing waits any more. */
  drained(now: Millis, bytes: number, empty: boolean): void {
    if (this.since === undefined) return;
    this.bytes += bytes;
    const span = now - this.since;
    if (span >= SAMPLE_MS) {
      const sample = (this.bytes * 1000) / span;
      this.rate = this.rate === undefined ? sample : this.rate + GAIN * (sample - this.rate);
      this.bytes = 0;
      this.since = now;
    }
    if (empty) {
      this.since = undefined;
      this.bytes = 0;
    }
  }
}
