/**
 * Whom a node may contact unasked. Gossip names addresses the node never heard from; a stranger can name any
 * victim. An address becomes proven when it answers (a dial that connected, a probe echo); a first dial or probe
 * to an unproven address spends a token from one bucket of `perSecond` tokens a second (bursts of `perSecond`),
 * and without one it is not made (counted). Proven addresses are remembered up to `MAX_PROVEN`, oldest forgotten.
 */

import { TokenBucket } from './token-bucket.ts';

/** Most proven addresses remembered. */
export const MAX_PROVEN = 8192;

/** The node's budget of contacts to unproven addresses. */
export class DialBudget {
  private readonly proven = new Set<string>();
  private readonly bucket: TokenBucket;
  /** Contacts not made: no token left for an unproven address. */
  refused = 0;

  constructor(
    /** Contacts a second to unproven addresses, and the largest burst. */
    perSecond: number,
    /** The clock, ms. */
    now: () => number = () => performance.now(),
  ) {
    this.bucket = new TokenBucket(perSecond, perSecond, now);
  }

  /** `address` answered: contacts to it are free from now on. */
  prove(address: string): void {
    this.proven.delete(address);
    this.proven.add(address);
    if (this.proven.size > MAX_PROVEN) this.proven.delete(this.proven.values().next().value as string);
  }

  /** Whether `address` has answered. */
  isProven(address: string): boolean {
    return this.proven.has(address);
  }

  /** Whether a contact to `address` may be made now (a token is spent if it is unproven; a refusal is counted). */
  allow(address: string): boolean {
    if (this.proven.has(address) || this.bucket.take(1)) return true;
    this.refused++;
    return false;
  }
}
