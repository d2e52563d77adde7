/** Time helpers of the bench: sleeping, waiting for a condition with a bound, and progress lines on stderr. */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` every `everyMs` until it holds or `ms` has passed. Returns the ms it took, or undefined when it
 * never held (the caller decides whether that is a failed goal or a failed set-up).
 */
export async function until(ms: number, check: () => boolean | Promise<boolean>, everyMs = 250): Promise<number | undefined> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start >= ms) return undefined;
    await sleep(everyMs);
  }
}

/** One progress line on stderr: `  [phase] what`. */
export function progress(phase: string, what: string): void {
  process.stderr.write(`  [${phase}] ${what}\n`);
}

/** Sleeps `ms`, saying every `everyMs` how far it is (`what 20/60 s`). */
export async function wait(phase: string, what: string, ms: number, everyMs = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const left = ms - (Date.now() - start);
    if (left <= 0) return;
    await sleep(Math.min(left, everyMs));
    const done = Math.min(ms, Date.now() - start);
    if (done < ms) progress(phase, `${what} ${(done / 1000).toFixed(0)}/${(ms / 1000).toFixed(0)} s`);
  }
}
