import type { Millis } from '../../core/time.ts';

/**
 * Most keys one cache remembers. Each flooded notice is one key for its memory (a LEAVE per dead SCX and origin, a
 * HEARTBEAT per beat), so a session holds a few per member; a stranger inventing keys fills it instead. Past the
 * bound the oldest key is forgotten first: its duplicates, long since flooded, would be forwarded once more.
 */
export const FLOOD_CACHE_MAX_KEYS = 65_536;

/** Duplicate suppression for flooded notices (LEAVE, HEARTBEAT): a key seen before is not forwarded again. */
export class FloodCache {
  private readonly seenUntil = new Map<string, Millis>();

  constructor(private readonly maxKeys = FLOOD_CACHE_MAX_KEYS) {}

  /** Records `key`; returns false if it was already seen (a duplicate copy). */
  firstSight(key: string, now: Millis, memoryMs: Millis): boolean {
    if (this.seenUntil.has(key)) return false;
    if (this.seenUntil.size >= this.maxKeys) this.seenUntil.delete(this.seenUntil.keys().next().value as string);
    this.seenUntil.set(key, now + memoryMs);
    return true;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.seenUntil.size;
  }

  /** Forgets keys older than their memory. */
  expire(now: Millis): void {
    for (const [key, until] of this.seenUntil) if (until <= now) this.seenUntil.delete(key);
  }
}
