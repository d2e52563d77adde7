/** Catches what would crash a node running in the test's own process: uncaught exceptions and unhandled rejections. */

/** The errors caught since `watchUncaught`; `stop` removes the hooks. */
export interface UncaughtWatch {
  readonly errors: unknown[];
  stop(): void;
}

/** Hooks `uncaughtException` and `unhandledRejection` until `stop`, keeping what they catch (the test asserts none). */
export function watchUncaught(): UncaughtWatch {
  const errors: unknown[] = [];
  const keep = (err: unknown): void => void errors.push(err);
  process.on('uncaughtException', keep);
  process.on('unhandledRejection', keep);
  return {
    errors,
    stop() {
      process.off('uncaughtException', keep);
      process.off('unhandledRejection', keep);
    },
  };
}
