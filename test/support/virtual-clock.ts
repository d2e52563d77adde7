/** A test's virtual clock for a sans-IO module: its time, and the deadline the module last asked for. */
export interface VirtualClock {
  now: number;
  wake: number | undefined;
}

/** Moves `clock` to `to`, calling `handleTimeout` at every deadline met on the way (a deadline may set the next). */
export function advanceClock(clock: VirtualClock, to: number, handleTimeout: (at: number) => void): void {
  while (clock.wake !== undefined && clock.wake <= to) {
    const at = clock.wake;
    clock.now = at;
    clock.wake = undefined;
    handleTimeout(at);
  }
  clock.now = to;
}
