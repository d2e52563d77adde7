import type { Millis } from '../core/time.ts';

/** A simulator event: something happens at `at`; `seq` keeps same-time events in insertion order. */
export interface Scheduled<T> {
  readonly at: Millis;
  readonly seq: number;
  readonly item: T;
}

/** Min-heap of events on virtual time, FIFO among equal times, so every run is deterministic. */
export class EventQueue<T> {
  private readonly heap: Array<Scheduled<T>> = [];
  private seq = 0;

  /** Number of pending events. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `item` at virtual time `at`. */
  push(at: Millis, item: T): void {
    const h = this.heap;
    const e: Scheduled<T> = { at, seq: this.seq++, item };
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Scheduled<T>;
      if (!before(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  /** Time of the earliest event. */
  peekTime(): Millis | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns the earliest event. */
  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r] as Scheduled<T>, h[l] as Scheduled<T>) ? r : l;
      const child = h[c] as Scheduled<T>;
      if (!before(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
