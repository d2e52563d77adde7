/** How a client that lost its SCX asks the frontend again: once a second, until served or told to give up. */

/** Time between asks while the frontend cannot serve the client again, ms. */
export const ASK_AGAIN_EVERY_MS = 1000;

/**
 * Waits a second, then tries `attempt`, and again, until it succeeds (`{ done: true }`) or `giveUp()` holds
 * before a try (`{ done: false, last }`, with the last failure's message, `first` if none failed yet).
 */
export async function askAgain(attempt: () => Promise<void>, giveUp: () => boolean, first: string): Promise<{ done: true } | { done: false; last: string }> {
  let last = first;
  for (;;) {
    await new Promise((r) => setTimeout(r, ASK_AGAIN_EVERY_MS));
    if (giveUp()) return { done: false, last };
    try {
      await attempt();
      return { done: true };
    } catch (err) {
      last = (err as Error).message;
    }
  }
}
