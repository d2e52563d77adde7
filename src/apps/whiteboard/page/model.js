// The presentation as this page knows it: slides of objects keyed by (slide, id), the latest version of each
// winning (an older or equal version is stale and dropped), image bytes kept with the version they belong to.

import { checkObj } from './kinds.js';

/** Slides and their objects; `apply` is the only way in. */
export class Model {
  constructor() {
    /** slide number -> Map(id -> { id, v, kind, body, bytes?: Uint8Array }) */
    this.slides = new Map();
    /** Versions dropped because a version at or above them was already here. */
    this.stale = 0;
    /** Messages dropped because a field or body was invalid. */
    this.invalid = 0;
  }

  /** Takes one object version (`bytes`: an image's file); true when it is newer than what was here. */
  apply(message, bytes) {
    const o = checkObj(message);
    if (!o) {
      this.invalid += 1;
      return false;
    }
    let objects = this.slides.get(o.slide);
    if (!objects) this.slides.set(o.slide, (objects = new Map()));
    const had = objects.get(o.id);
    if (had && had.v >= o.v) {
      this.stale += 1;
      return false;
    }
    objects.set(o.id, { id: o.id, v: o.v, kind: o.kind, body: o.body, bytes: o.kind === 'image' ? bytes : undefined });
    return true;
  }

  /** The entry of (slide, id) at its latest version, deleted ones included, or undefined. */
  get(slide, id) {
    return this.slides.get(slide)?.get(id);
  }

  /** The slide's live objects (deleted ones left out), sorted by id: drawing order. */
  objects(slide) {
    const objects = [...(this.slides.get(slide)?.values() ?? [])].filter((o) => o.kind !== 'deleted');
    return objects.sort((a, b) => a.id - b.id);
  }

  /** The test hook's view of a slide: `[{ id, v, kind, body }]` sorted by id, image bytes left out. */
  snapshot(slide) {
    return this.objects(slide).map(({ id, v, kind, body }) => ({ id, v, kind, body }));
  }

  /** The slide's `slide` object (title, background), or undefined while it does not exist. */
  slideObject(slide) {
    return this.objects(slide).find((o) => o.kind === 'slide');
  }

  /** Slides that exist (have a live `slide` object), ascending. */
  slideNumbers() {
    return [...this.slides.keys()].filter((n) => this.slideObject(n)).sort((a, b) => a - b);
  }

  /** Every slide number any version mentions, ascending (for picking a fresh one). */
  allSlideNumbers() {
    return [...this.slides.keys()].sort((a, b) => a - b);
  }

  /** The live image object with id `id` on any slide, latest version first, or undefined. */
  findImage(id) {
    let best;
    for (const objects of this.slides.values()) {
      const o = objects.get(id);
      if (o?.kind === 'image' && (!best || o.v > best.v)) best = o;
    }
    return best;
  }

  /** The largest object id seen, 0 when none. */
  maxId() {
    let max = 0;
    for (const objects of this.slides.values()) for (const id of objects.keys()) max = Math.max(max, id);
    return max;
  }
}
