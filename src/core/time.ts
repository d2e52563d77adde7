/** Milliseconds of protocol time. The caller owns the clock: virtual in the simulator, monotonic in the daemon. */
export type Millis = number;
