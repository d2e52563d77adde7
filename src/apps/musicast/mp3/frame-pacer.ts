/**
 * A real-time clock for frames made up on the spot (silence, a looped fallback file): frame k is due at
 * start + the durations of frames 0..k-1, so a caller that asks `due(now, duration)` whenever it likes sends
 * audio at exactly the real-time rate, whatever its timer's jitter. Pure: the caller passes the time.
 */

/** Options of a FramePacer. */
export interface FramePacerOptions {
  /** ms: the most the pacer catches up after a stall (a blocked event loop, a suspended host); older backlog is skipped. Default 1,000. */
  readonly maxLagMs?: number;
}

/** Frames due by a real-time clock since `start`. */
export class FramePacer {
  private readonly maxLagMs: number;
  /** ms: the clock reading the next frame is due at; undefined before start. */
  private nextDueMs: number | undefined;
  /** ms of audio skipped because the caller fell more than maxLagMs behind. */
  private skipped = 0;

  constructor(options: FramePacerOptions = {}) {
    this.maxLagMs = Math.max(0, options.maxLagMs ?? 1000);
  }

  /** Starts the clock at `nowMs` (ms, any monotonic clock): the first frame is due at once. */
  start(nowMs: number): void {
    this.nextDueMs = nowMs;
  }

  /** Whether start was called since construction or the last reset. */
  get started(): boolean {
    return this.nextDueMs !== undefined;
  }

  /** ms of audio the pacer skipped rather than sent in a burst (the caller was over maxLagMs late). */
  get skippedMs(): number {
    return this.skipped;
  }

  /**
   * How many frames of `frameDurationMs` (ms, > 0) are due at `nowMs` and not yet counted, and counts them as sent;
   * 0 before start or for a duration that is not a positive finite number.
   */
  due(nowMs: number, frameDurationMs: number): number {
    if (this.nextDueMs === undefined || !(frameDurationMs > 0) || !Number.isFinite(frameDurationMs)) return 0;
    const lag = nowMs - this.nextDueMs;
    if (!(lag >= 0)) return 0;
    if (lag > this.maxLagMs) {
      const skip = Math.floor((lag - this.maxLagMs) / frameDurationMs) * frameDurationMs;
      this.skipped += skip;
      this.nextDueMs += skip;
    }
    const n = Math.floor((nowMs - this.nextDueMs) / frameDurationMs) + 1;
    this.nextDueMs += n * frameDurationMs;
    return n;
  }

  /** Stops the clock: `due` answers 0 until the next start. */
  reset(): void {
    this.nextDueMs = undefined;
  }
}
