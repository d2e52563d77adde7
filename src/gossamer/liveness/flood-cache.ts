import type { Millis } from '../../core/time.ts';

/** Duplicate suppression for flooded notices (LEAVE, HEARTBEAT): a key seen before is not forwarded again. */
export class FloodCache {
  private readonly seenUntil = new Map<string, Millis>();

  /** Records `key`; returns false if it was already seen (a duplicate copy). */
  firstSight(key: string, now: Millis, memoryMs: Millis): boolean {
    if (this.seenUntil.has(key)) return false;
    this.seenUntil.set(key, now + memoryMs);
    return true;
  }

  /** Forgets keys older than their memory. */
  expire(now: Millis): void {
    for (const [key, until] of this.seenUntil) if (until <= now) this.seenUntil.delete(key);
  }
}
