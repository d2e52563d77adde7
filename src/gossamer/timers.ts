import type { Millis } from '../core/time.ts';

/** One deadline per kind of timer: "what is pending?" is one question (after quinn-proto's TimerTable). */
export class TimerTable<K extends string> {
  private readonly deadlines = new Map<K, Millis>();

  /** Arms (or re-arms) the timer of this kind. */
  set(kind: K, at: Millis): void {
    this.deadlines.set(kind, at);
  }

  /** Disarms the timer of this kind. */
  clear(kind: K): void {
    this.deadlines.delete(kind);
  }

  /** The deadline of this kind, if armed. */
  get(kind: K): Millis | undefined {
    return this.deadlines.get(kind);
  }

  /** The earliest armed deadline. */
  next(): Millis | undefined {
    let min: Millis | undefined;
    for (const at of this.deadlines.values()) if (min === undefined || at < min) min = at;
    return min;
  }

  /** Disarms and returns every kind due at `now`, earliest first. */
  expire(now: Millis): K[] {
    const due: Array<[K, Millis]> = [];
    for (const [kind, at] of this.deadlines) if (at <= now) due.push([kind, at]);
    due.sort((a, b) => a[1] - b[1]);
    for (const [kind] of due) this.deadlines.delete(kind);
    return due.map(([kind]) => kind);
  }

  /** Disarms everything. */
  clearAll(): void {
    this.deadlines.clear();
  }
}
