/**
 * The gate of the admin server's cluster-internal routes (`/state`, `/v1/host`, `/v1/probe`): they answer only a
 * request carrying the cluster token (`Authorization: Bearer <token>`); any other gets 401 ERR_UNAUTHORIZED,
 * counted by route. A node with no token (insecure, and no `trust.clusterToken`) leaves them open, and says so
 * in its log at start and in /metrics.
 */

import type { IncomingMessage } from 'node:http';
import { ErrorCode, ScError } from '../core/errors.ts';
import { carriesToken } from '../net/bearer-token.ts';
import type { Logger } from './log.ts';

/** The admin routes only the cluster may call: they make the node act, or show what only its cluster should see. */
export const INTERNAL_ROUTES: ReadonlySet<string> = new Set(['/state', '/v1/host', '/v1/probe']);

/** What the gate refused, for /metrics. */
export interface ClusterGateStats {
  /** Whether the internal routes are open to anyone (the node has no cluster token). */
  readonly open: boolean;
  /** Requests refused for want of the token, by route. */
  readonly refused: ReadonlyMap<string, number>;
}

/** Checks the cluster token on the admin server's internal routes. */
export class ClusterGate {
  private readonly refusals = new Map<string, number>();

  constructor(
    /** The cluster token; undefined: the internal routes are open. */
    private readonly token: string | undefined,
    private readonly log: Logger,
  ) {
    if (token === undefined) log('warn', 'OPEN: the admin server answers /state, /v1/host and /v1/probe to anyone (no cluster token: insecure and no trust.clusterToken)', { clusterApi: 'open' });
  }

  get stats(): ClusterGateStats {
    return { open: this.token === undefined, refused: this.refusals };
  }

  /** Whether the request carries the cluster token (always, when the routes are open). */
  authorized(req: IncomingMessage): boolean {
    return this.token === undefined || carriesToken(req.headers, this.token);
  }

  /** The refusal of a request to internal `route` that lacks the cluster token: ScError(ERR_UNAUTHORIZED), counted and logged. */
  refuse(req: IncomingMessage, route: string): ScError {
    this.refusals.set(route, (this.refusals.get(route) ?? 0) + 1);
    this.log('warn', 'refused a cluster-internal request without the cluster token', { route, from: req.socket.remoteAddress });
    return new ScError(ErrorCode.UNAUTHORIZED, `${route} is for the nodes of this cluster: send their cluster token as "Authorization: Bearer <token>"`);
  }
}
