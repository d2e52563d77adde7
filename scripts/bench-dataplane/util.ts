/** Small helpers of the data-plane bench: progress lines, bounded waits, clocks and statistics. */

/** Writes one progress line to stderr. */
export function progress(msg: string): void {
  const t = (performance.now() / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench-dataplane ${t}s] ${msg}\n`);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `ready` every 10 ms until it holds; throws after `timeoutMs` naming `what`. */
export async function waitFor(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Wall-clock ms with sub-ms precision: what the source stamps and the sinks compare with. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** Median of a list (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A growable list of float samples. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  /** The samples, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}
