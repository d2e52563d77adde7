/**
 * The last line of a node's defence: every driver callback run by a socket event or a timer goes through one
 * Guard, so that an exception nobody expected is counted and reported, and the node goes on, never uncaught.
 */

/** Catches what a driver's callbacks throw. */
export class Guard {
  /** Exceptions and rejections caught, all callbacks together. */
  caught = 0;

  constructor(
    /** Told each exception caught, with where it came from (a constant, for rate-limited logs). */
    private readonly report: (where: string, err: unknown) => void,
  ) {}

  /** Runs `fn` now; an exception is counted and reported instead of escaping. */
  run(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(where, err);
    }
  }

  /** `fn` as a callback that runs through `run`. */
  wrap<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args) => this.run(where, () => fn(...args));
  }

  /** Starts `fn`; a rejection, like an exception, is counted and reported. */
  spawn(where: string, fn: () => Promise<void>): void {
    this.run(where, () => void fn().catch((err: unknown) => this.fail(where, err)));
  }

  private fail(where: string, err: unknown): void {
    this.caught++;
    this.report(where, err);
  }
}
