/** The daemon's clocks, in one place: the protocol runs on monotonic time, packet timestamps on wall time. */

/** Monotonic ms since the process started: the `now` handed to the sans-IO core. */
export function monotonicMs(): number {
  return performance.now();
}

/** Wall-clock ms since the epoch, with sub-ms precision: comparable across processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
