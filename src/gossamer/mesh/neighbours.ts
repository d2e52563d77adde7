import type { Millis } from '../../core/time.ts';
import type { ScxId } from '../wire/messages.ts';

/** One mesh edge as seen from this SCX. */
export interface Neighbour {
  readonly id: ScxId;
  /** 'out': this SCX inserted the edge (counts against k1); 'in': the peer did (counts against k2). */
  readonly direction: 'out' | 'in';
  readonly sinceMs: Millis;
  lastHeardMs: Millis;
  lastSentMs: Millis;
  /** When the neighbour fell silent past the timeout and we began pinging it; undefined while it talks. */
  suspectedSinceMs: Millis | undefined;
}

/** This SCX's mesh edges under the degree constraint <k1, k2> (section 4.2). */
export class Neighbours {
  private readonly byId = new Map<ScxId, Neighbour>();
  private outCount = 0;

  /** Number of edges this SCX inserted. */
  get out(): number {
    return this.outCount;
  }

  /** Number of edges others inserted towards this SCX. */
  get in(): number {
    return this.byId.size - this.outCount;
  }

  /** Total degree. */
  get size(): number {
    return this.byId.size;
  }

  /** Whether `id` is a neighbour. */
  has(id: ScxId): boolean {
    return this.byId.has(id);
  }

  /** The edge to `id`. */
  get(id: ScxId): Neighbour | undefined {
    return this.byId.get(id);
  }

  /** Every edge. */
  all(): IterableIterator<Neighbour> {
    return this.byId.values();
  }

  /** Neighbour ids, sorted. */
  ids(): ScxId[] {
    return [...this.byId.keys()].sort();
  }

  /** Ids of the edges this SCX inserted. */
  outIds(): ScxId[] {
    const out: ScxId[] = [];
    for (const n of this.byId.values()) if (n.direction === 'out') out.push(n.id);
    return out;
  }

  /** Adds an edge (no-op if it exists). */
  add(id: ScxId, direction: 'out' | 'in', now: Millis): void {
    if (this.byId.has(id)) return;
    this.byId.set(id, { id, direction, sinceMs: now, lastHeardMs: now, lastSentMs: now, suspectedSinceMs: undefined });
    if (direction === 'out') this.outCount++;
  }

  /** Removes an edge; returns whether it existed. */
  remove(id: ScxId): boolean {
    const n = this.byId.get(id);
    if (!n) return false;
    this.byId.delete(id);
    if (n.direction === 'out') this.outCount--;
    return true;
  }
}
