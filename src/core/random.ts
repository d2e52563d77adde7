/**
 * A small seeded PRNG (sfc32, seeded through splitmix32). Every random choice in the core and the
 * simulator goes through one of these, so a run is replayable from its seed.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One uniformly chosen element; undefined for an empty array. */
  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(items.length)];
  }

  /**
   * Up to k distinct elements chosen uniformly among those `skip` does not reject. O(k) expected when k is small
   * against the array (rejection sampling), else a partial Fisher-Yates over a filtered copy.
   */
  sample<T>(items: readonly T[], k: number, skip?: (item: T) => boolean): T[] {
    const n = items.length;
    if (k <= 0 || n === 0) return [];
    if (k * 4 < n) {
      const picked = new Set<number>();
      const out: T[] = [];
      for (let attempts = 8 * k + 32; attempts > 0 && out.length < k; attempts--) {
        const i = this.int(n);
        if (picked.has(i)) continue;
        picked.add(i);
        const item = items[i] as T;
        if (!skip?.(item)) out.push(item);
      }
      if (out.length === k) return out;
    }
    const copy = skip ? items.filter((x) => !skip(x)) : items.slice();
    const m = Math.min(k, copy.length);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(copy.length - i);
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    copy.length = m;
    return copy;
  }

  /** A fresh 32-bit seed for a child generator. */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}
