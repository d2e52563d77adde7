/**
 * A cap on sessions: the sessions a node hosts (`limits.sessionsPerNode`) or a frontend has placed on its cluster
 * (`limits.sessionsPerFrontend`). A session already in is always let in again; a new one past the cap is refused
 * with ERR_LIMIT_SESSIONS (answered 503) and counted.
 */

import { ErrorCode, ScError } from '../core/errors.ts';

/** The sessions a cap counts, by session id (hex). */
export interface SessionSet {
  has(sessionIdHex: string): boolean;
  readonly size: number;
}

/** A cap on the sessions of `sessions`. */
export class SessionCap {
  /** New sessions refused because the cap was reached. */
  refused = 0;

  /**
   * @param max sessions at most
   * @param sessions the sessions counted against `max` (kept by the caller)
   * @param holder who holds them, for the refusal's message ("this node hosts", "this frontend placed")
   */
  constructor(
    readonly max: number,
    private readonly sessions: SessionSet,
    private readonly holder: string,
  ) {}

  /** Lets session `sessionIdHex` in, or throws ScError(ERR_LIMIT_SESSIONS) if it is new and the cap is reached. */
  admit(sessionIdHex: string): void {
    if (this.sessions.has(sessionIdHex) || this.sessions.size < this.max) return;
    this.refused++;
    throw new ScError(ErrorCode.LIMIT_SESSIONS, `${this.holder} ${this.max} sessions, as many as it may; try another cluster`);
  }
}
