/**
 * Signature checks a node makes for each peer's gossip (src/daemon/signed-state.ts): a check costs 0.2-0.4 ms of
 * CPU (scripts/bench-proofs.ts), so a member that floods forged LEAVEs up to its control byte rate could keep a core
 * busy; past its budget, its signed state is refused unchecked. Honest peers need a few checks a second (heartbeats,
 * LEAVEs; adverts are checked once per source and incarnation), and a burst for a new neighbour's full table.
 */

import { TokenBucket } from '../net/token-bucket.ts';

/** Checks a second for one peer, and the burst it may take at once. */
export const VERIFIES_PER_SECOND = 200;
export const VERIFY_BURST = 1000;

/** Most peers with a budget held; past it the oldest is forgotten (it starts full again). */
const MAX_PEERS = 4096;

/** One token bucket of signature checks per sending peer. */
export class VerifyBudget {
  private readonly peers = new Map<string, TokenBucket>();

  /** Whether `peer` may have one more signature checked now (taking it). */
  take(peer: string): boolean {
    let bucket = this.peers.get(peer);
    if (!bucket) {
      if (this.peers.size >= MAX_PEERS) this.peers.delete(this.peers.keys().next().value as string);
      bucket = new TokenBucket(VERIFIES_PER_SECOND, VERIFY_BURST);
      this.peers.set(peer, bucket);
    }
    return bucket.take(1);
  }
}
