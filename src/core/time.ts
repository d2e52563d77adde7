/** Milliseconds of protocol time. The caller owns the clock: virtual in the simulator, monotonic in the daemon. */
export type Millis = number;

/** Milliseconds in one second. */
export const SECOND: Millis = 1000;
