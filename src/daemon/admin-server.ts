/**
 * The node's admin HTTP server, for operators and for the other nodes of its cluster (bind it to an internal
 * address): `GET /metrics` (Prometheus), `GET /state` (JSON), `GET /v1/health`, the live dashboard
 * (`/dashboard/`, WebSocket `/v1/live`), and the cluster-internal `POST /v1/host` (host a session here, for the
 * frontend) and `POST /v1/probe` (RTTs from this node's probe module, for the cluster's other nodes).
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ErrorCode, ScError } from '../core/errors.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DashboardSnapshot } from '../dashboard/snapshot.ts';
import { formatAddress, isNodeAddress, type Address } from '../net/address.ts';
import { parseAnnouncement } from '../session/announcement.ts';
import type { ClusterPlacement } from '../cluster/cluster-placement.ts';
import { readJsonObject, requestInvalid, sendError, sendJson, STATUS } from '../net/http-json.ts';
import { createHttpServer } from '../net/http-server.ts';
import { joinHere } from './local-join.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { nodeState } from './node-state.ts';
import type { ScxNode } from './scx-node.ts';
import { SHARED_PROBE_MAX_PEERS } from '../cluster/shared-probe.ts';

/** Largest internal request body, bytes. */
const INTERNAL_MAX_BYTES = 256 * 1024;

/** What the admin server serves besides the node itself. */
export interface AdminOptions {
  /** The node's cluster name, for /state and the dashboard. */
  readonly cluster: string | null;
  /** The dashboard's snapshot. */
  readonly snapshot: () => Promise<DashboardSnapshot>;
  /** The frontend's placement, when this node's frontend spreads sessions over a cluster (its metrics are added). */
  readonly placement?: ClusterPlacement;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A running admin server. */
export interface AdminServer {
  readonly server: Server;
  close(): void;
}

/** Starts the admin server at `at`; ScError(ERR_LISTEN_FAILED) if it cannot listen. */
export async function startAdminServer(node: ScxNode, at: Address, options: AdminOptions): Promise<AdminServer> {
  const dashboard = new DashboardServer(options.snapshot, node.limits);
  const routes: Record<string, Record<string, Route>> = {
    '/metrics': {
      GET: async (_req, res) => {
        const text = await renderMetrics(node, { placement: options.placement, live: dashboard });
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
        res.end(text);
      },
    },
    '/state': { GET: (_req, res) => sendJson(res, 200, nodeState(node, options.cluster)) },
    '/v1/health': { GET: (_req, res) => sendJson(res, 200, { ok: true, address: node.self, sessions: node.sessions.size, hosting: [...node.sessions.keys()] }) },
    '/v1/host': { POST: async (req, res) => sendJson(res, 200, joinHere(node, parseAnnouncement(announcementField(await readJsonObject(req, INTERNAL_MAX_BYTES))))) },
    '/v1/probe': { POST: async (req, res) => sendJson(res, 200, { rttMs: probeFor(node, await readJsonObject(req, INTERNAL_MAX_BYTES)) }) },
  };
  const server = createHttpServer(node.guard.wrap('admin request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined);
    if (dashboard.handle(req, res)) return;
    const path = (req.url ?? '/').split('?')[0] as string;
    const methods = routes[path];
    const route = methods?.[req.method ?? ''];
    if (!route) {
      req.resume();
      if (methods) return sendError(res, new ScError(ErrorCode.METHOD_NOT_ALLOWED, `${path} takes ${Object.keys(methods).join(', ')}`), { allow: Object.keys(methods).join(', ') });
      return sendError(res, new ScError(ErrorCode.NOT_FOUND, `no ${JSON.stringify(path.slice(0, 80))} here; try /dashboard/, /metrics or /state`));
    }
    Promise.resolve()
      .then(() => route(req, res))
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        sendError(res, err instanceof ScError && err.code in STATUS ? err : new ScError(ErrorCode.INTERNAL, 'internal error; the request was not served'));
      });
  }));
  dashboard.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error) => reject(new ScError(ErrorCode.LISTEN_FAILED, `admin server cannot listen on ${formatAddress(at)}: ${err.message}`)));
    server.listen(at.port, at.host, () => resolve());
  });
  return {
    server,
    close() {
      dashboard.close();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** The announcement XML of a `POST /v1/host` body. */
function announcementField(body: Record<string, unknown>): string {
  if (typeof body.announcement !== 'string') throw requestInvalid('field announcement (the XML) is required');
  return body.announcement;
}

/** Has the probe module measure the asked peers, and answers what it knows of each (ms, or null). */
function probeFor(node: ScxNode, body: Record<string, unknown>): Record<string, number | null> {
  const peers = body.peers;
  if (!Array.isArray(peers) || peers.length > SHARED_PROBE_MAX_PEERS || !peers.every((p) => typeof p === 'string')) {
    throw requestInvalid(`field peers must be a list of at most ${SHARED_PROBE_MAX_PEERS} "host:port" strings`);
  }
  const answer: Record<string, number | null> = {};
  for (const peer of peers as string[]) {
    if (!isNodeAddress(peer)) throw requestInvalid(`peer ${JSON.stringify(peer.slice(0, 80))} is not a node's host:port`);
    node.probe.want(peer);
    answer[peer] = node.probe.cache.get(peer)?.rttMs ?? null;
  }
  return answer;
}
