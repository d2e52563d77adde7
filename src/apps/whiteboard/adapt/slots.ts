/**
 * A bound on work in flight: at most `concurrency` tasks run at once, at most `maxWaiting` wait their turn, and
 * a task past that is refused at once (the caller's typed error) rather than queued without bound.
 */

/** Runs async tasks a few at a time with a bounded wait queue. */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * @param concurrency tasks run at once (>= 1)
   * @param maxWaiting tasks that may wait for a slot (>= 0)
   * @param refuse makes the error thrown for a task past the wait queue
   */
  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly refuse: () => Error,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('Slots: concurrency must be an integer >= 1');
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new RangeError('Slots: maxWaiting must be an integer >= 0');
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free; rejects with `refuse()` at once when the wait queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw this.refuse();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
