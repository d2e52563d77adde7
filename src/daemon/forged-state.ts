/** The node's count of signed gossip state refused (src/daemon/gossip-proofs.ts), by kind and code, with a log line each. */

import type { ProofKind, ProofRefusalCode } from './gossip-proofs.ts';
import type { Logger } from './log.ts';

/** Refusals of LEAVEs, HEARTBEATs and source adverts whose proof was missing, invalid or stale, all sessions together. */
export class ForgedStateRefusals {
  /** Count per `kind` and `code`. */
  private readonly counts = new Map<string, { kind: ProofKind; code: ProofRefusalCode; n: number }>();
  private total = 0;

  constructor(private readonly log: Logger) {}

  /** Counts one refusal of a `kind` message from `from` in `session`, and logs it (the logger limits repeats). */
  refuse(kind: ProofKind, code: ProofRefusalCode, from: string, session: string): void {
    const key = `${kind} ${code}`;
    const c = this.counts.get(key) ?? { kind, code, n: 0 };
    c.n++;
    this.counts.set(key, c);
    this.total++;
    this.log('warn', 'refused gossip state without a valid origin proof', { kind, code, from, session, refused: this.total });
  }

  /** Every count so far. */
  samples(): Array<{ kind: ProofKind; code: ProofRefusalCode; n: number }> {
    return [...this.counts.values()];
  }
}
