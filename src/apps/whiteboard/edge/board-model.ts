/**
 * One presentation's model at an SCX: the latest version of every object, by slide, bounded by bytes (bodies and
 * images) and by object count. A version at or below the one held is stale; a new object, or a larger version,
 * that would break a bound is refused whole (what is held stays consistent).
 */

import type { BoardObject } from './adu-body.ts';

/** Bytes charged for each object on top of its encoded body (its entry and key). */
export const OBJECT_OVERHEAD_BYTES = 64;

/** What became of an object offered to the model (`elsewhere`: its id lives on another slide; ids are unique in a presentation). */
export type Applied = 'applied' | 'stale' | 'full' | 'elsewhere';

interface Held {
  readonly object: BoardObject;
  readonly bytes: number;
}

/** The latest version of every object of one presentation. */
export class BoardModel {
  private readonly slides = new Map<number, Map<number, Held>>();
  /** The slide of each object id. */
  private readonly slideOfId = new Map<number, number>();
  private held = 0;
  private count = 0;

  /**
   * @param maxBytes bytes of objects held at most (encoded bodies plus OBJECT_OVERHEAD_BYTES each)
   * @param maxObjects objects held at most
   */
  constructor(
    private readonly maxBytes: number,
    private readonly maxObjects: number,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  /** Objects held now (deleted ones included: their version still orders later ones). */
  get objects(): number {
    return this.count;
  }

  /** The slide object `id` lives on, if held. */
  slideOf(id: number): number | undefined {
    return this.slideOfId.get(id);
  }

  /** The object `id` of `slide`, if held. */
  get(slide: number, id: number): BoardObject | undefined {
    return this.slides.get(slide)?.get(id)?.object;
  }

  /** Keeps `o` (whose ADU body is `bodyBytes` long) unless a version as new is held or a bound would break. */
  apply(o: BoardObject, bodyBytes: number): Applied {
    const home = this.slideOfId.get(o.id);
    if (home !== undefined && home !== o.slide) return 'elsewhere';
    let slide = this.slides.get(o.slide);
    const old = slide?.get(o.id);
    if (old && old.object.v >= o.v) return 'stale';
    const bytes = bodyBytes + OBJECT_OVERHEAD_BYTES;
    if (this.held - (old?.bytes ?? 0) + bytes > this.maxBytes || (!old && this.count >= this.maxObjects)) return 'full';
    if (!slide) {
      slide = new Map();
      this.slides.set(o.slide, slide);
    }
    slide.set(o.id, { object: o, bytes });
    this.slideOfId.set(o.id, o.slide);
    this.held += bytes - (old?.bytes ?? 0);
    if (!old) this.count++;
    return 'applied';
  }

  /** The presenter's current slide (object 1 of slide 0), or null before one is announced. */
  current(): number | null {
    const c = this.get(0, 1);
    return c?.kind === 'current' ? (c.body.slide as number) : null;
  }

  /** The object of kind `slide` on `slide`, if the slide exists. */
  slideObject(slide: number): BoardObject | undefined {
    for (const h of this.slides.get(slide)?.values() ?? []) if (h.object.kind === 'slide') return h.object;
    return undefined;
  }

  /** The least id no object of the presentation has (ids are unique across slides), at least 2. */
  nextId(): number {
    let max = 1;
    for (const slide of this.slides.values()) for (const id of slide.keys()) if (id > max) max = id;
    return max + 1;
  }

  /**
   * What a late joiner gets, in order: the live objects (not deleted) of slide `first` by id, then the other
   * slides nearest `first` first (the lower one of a tie first), each by id. Slide 0 (the current pointer) is
   * left out: the welcome carries it. Read lazily, so each object is the latest version when it is reached.
   */
  *lateJoinOrder(first: number): Generator<{ slide: number; id: number }> {
    const order = [...this.slides.keys()].filter((s) => s !== 0).sort((a, b) => Math.abs(a - first) - Math.abs(b - first) || a - b);
    for (const s of order) {
      const ids = [...(this.slides.get(s)?.keys() ?? [])].sort((a, b) => a - b);
      for (const id of ids) if (this.get(s, id)?.kind !== 'deleted') yield { slide: s, id };
    }
  }
}
