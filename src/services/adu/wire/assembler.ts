/**
 * Joining ADU fragments back into ADUs, bounded: at most `maxBytes` of partial ADUs (bodies held plus a fixed charge
 * per partial), the oldest partial dropped first. Fragments of one ADU agree on every field of its spec and on the
 * seq of its first fragment; a fragment that disagrees starts (or joins) another partial. `FragmentJoiner` holds any
 * per-fragment item (the module keeps whole packets); `AduAssembler` joins bodies.
 */

import { MAX_FRAGMENT_BODY, specOf, type AduFragment, type AduHeader, type AduSpec } from './adu.ts';

/** Bytes charged for each partial ADU on top of its fragments (its map and key). */
export const PARTIAL_OVERHEAD_BYTES = 128;

interface Partial<T> {
  readonly spec: AduSpec;
  readonly fragments: number;
  readonly items: Map<number, T>;
  bytes: number;
}

/** Collects one item per fragment until an ADU's fragments are all there; bounded by bytes, oldest partial dropped first. */
export class FragmentJoiner<T> {
  private readonly partials = new Map<string, Partial<T>>();
  private held = 0;
  private droppedCount = 0;

  /** `maxBytes`: bytes of partial ADUs held at most. */
  constructor(private readonly maxBytes: number) {}

  /** Bytes of partial ADUs held now. */
  get bytes(): number {
    return this.held;
  }

  /** Partial ADUs dropped to stay within the bound, so far. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Partial ADUs held now. */
  get size(): number {
    return this.partials.size;
  }

  /** Adds fragment `h`'s item of `bytes` bytes; the ADU's items in fragment order once it is whole, else undefined. */
  push(h: AduHeader, item: T, bytes: number): { readonly spec: AduSpec; readonly items: T[] } | undefined {
    if (h.fragments === 1) return { spec: specOf(h), items: [item] };
    const base = h.slideSeq === 0 ? 0 : h.slideSeq - h.fragment;
    const after = h.after === undefined ? '' : `${h.after.object}.${h.after.version}`;
    const key = `${h.presentation}\u0000${h.slide}.${h.object}.${h.version}.${h.kind}.${h.reliability}.${after}.${base}.${h.fragments}`;
    let p = this.partials.get(key);
    if (p === undefined) {
      p = { spec: specOf(h), fragments: h.fragments, items: new Map(), bytes: PARTIAL_OVERHEAD_BYTES };
      this.partials.set(key, p);
      this.held += PARTIAL_OVERHEAD_BYTES;
    }
    if (p.items.has(h.fragment)) return undefined;
    p.items.set(h.fragment, item);
    p.bytes += bytes;
    this.held += bytes;
    if (p.items.size === p.fragments) {
      this.forget(key, p);
      const items: T[] = [];
      for (let i = 0; i < p.fragments; i++) items.push(p.items.get(i)!);
      return { spec: p.spec, items };
    }
    this.trim();
    return undefined;
  }

  /** Drops the oldest partials until the bound holds. */
  private trim(): void {
    for (const [key, p] of this.partials) {
      if (this.held <= this.maxBytes) return;
      this.forget(key, p);
      this.droppedCount++;
    }
  }

  private forget(key: string, p: Partial<T>): void {
    this.partials.delete(key);
    this.held -= p.bytes;
  }
}

/** Joins fragments back into ADUs; bounded (at most `maxBytes` of partial ADUs, the oldest partial dropped first). */
export class AduAssembler {
  private readonly joiner: FragmentJoiner<Uint8Array>;

  /** `maxBytes`: bytes of partial ADUs held at most. */
  constructor(maxBytes: number) {
    this.joiner = new FragmentJoiner(maxBytes);
  }

  /** Bytes of partial ADUs held now. */
  get bytes(): number {
    return this.joiner.bytes;
  }

  /** Partial ADUs dropped to stay within the bound, so far. */
  get dropped(): number {
    return this.joiner.dropped;
  }

  /** The whole ADU (its body a fresh copy) once its last missing fragment arrives, else undefined. */
  push(f: AduFragment): { readonly spec: AduSpec; readonly body: Uint8Array } | undefined {
    const whole = this.joiner.push(f.header, new Uint8Array(f.body), f.body.length);
    if (whole === undefined) return undefined;
    const { spec, items } = whole;
    if (items.length === 1) return { spec, body: items[0]! };
    const body = new Uint8Array((items.length - 1) * MAX_FRAGMENT_BODY + items.at(-1)!.length);
    items.forEach((piece, i) => body.set(piece, i * MAX_FRAGMENT_BODY));
    return { spec, body };
  }
}
