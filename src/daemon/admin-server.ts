/**
 * The node's admin HTTP(S) server, for operators and for the other nodes of its cluster: the public
 * `GET /metrics` (Prometheus), `GET /v1/health` and the live dashboard (`/dashboard/`, WebSocket `/v1/live`), each
 * bounded; the whiteboard's pages, attach path and WebSocket when the node serves one (src/apps/whiteboard/); and
 * the cluster-internal routes, which answer only the cluster token (cluster-gate.ts): `GET /state`
 * (JSON), `POST /v1/host` (host a session here, for the frontend) and `POST /v1/probe` (RTTs from this node's probe
 * module, for the cluster's other nodes). `/v1/health` names the sessions hosted only to a caller with the token.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, ScError } from '../core/errors.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DashboardSnapshot } from '../dashboard/snapshot.ts';
import { formatAddress, isNodeAddress, type Address } from '../net/address.ts';
import { parseAnnouncement } from '../session/announcement.ts';
import type { ClusterPlacement } from '../cluster/cluster-placement.ts';
import { readJsonObject, requestInvalid, sendError, sendJson, STATUS } from '../net/http-json.ts';
import { createHttpServer, type ServerTls, type WebServer } from '../net/http-server.ts';
import { ClusterGate, INTERNAL_ROUTES } from './cluster-gate.ts';
import { joinHere } from './local-join.ts';
import type { Logger } from './log.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import type { RadioMetrics } from '../apps/musicast/radio-metrics.ts';
import type { Whiteboard } from '../apps/whiteboard/whiteboard.ts';
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
  /** The cluster token the internal routes ask for (undefined: they are open to anyone; logged and in /metrics). */
  readonly clusterToken: string | undefined;
  /** Serve HTTPS (and wss://) with this certificate (default: plain HTTP). */
  readonly tls?: ServerTls;
  /** Where refusals, and open internal routes, are logged. */
  readonly log: Logger;
  /** MusiCast at this node (its metrics are added). */
  readonly radio?: RadioMetrics;
  /** The whiteboard at this node: its pages, attach path and WebSocket (its metrics are added). */
  readonly whiteboard?: Pick<Whiteboard, 'handle' | 'upgrade' | 'presentations' | 'stats'>;
}

/** What a 401 answer says the route takes (RFC 6750). */
const CHALLENGE = { 'www-authenticate': 'Bearer realm="scattercast cluster"' };

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A running admin server. */
export interface AdminServer {
  readonly server: WebServer;
  close(): void;
}

/** Starts the admin server at `at`; ScError(ERR_LISTEN_FAILED) if it cannot listen. */
export async function startAdminServer(node: ScxNode, at: Address, options: AdminOptions): Promise<AdminServer> {
  const dashboard = new DashboardServer(options.snapshot, node.limits);
  const gate = new ClusterGate(options.clusterToken, options.log);
  const routes: Record<string, Record<string, Route>> = {
    '/metrics': {
      GET: async (_req, res) => {
        const text = await renderMetrics(node, { placement: options.placement, live: dashboard, gate, radio: options.radio, whiteboard: options.whiteboard });
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
        res.end(text);
      },
    },
    '/state': { GET: (_req, res) => sendJson(res, 200, nodeState(node, options.cluster)) },
    '/v1/health': {
      GET: (req, res) => sendJson(res, 200, { ok: true, address: node.self, ...(gate.authorized(req) && { sessions: node.sessions.size, hosting: [...node.sessions.keys()] }) }),
    },
    '/v1/host': { POST: async (req, res) => sendJson(res, 200, joinHere(node, parseAnnouncement(announcementField(await readJsonObject(req, INTERNAL_MAX_BYTES))))) },
    '/v1/probe': { POST: async (req, res) => sendJson(res, 200, { rttMs: probeFor(node, await readJsonObject(req, INTERNAL_MAX_BYTES)) }) },
  };
  const server = createHttpServer(node.guard.wrap('admin request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined);
    if (dashboard.handle(req, res) || options.whiteboard?.handle(req, res)) return;
    const path = (req.url ?? '/').split('?')[0] as string;
    if (INTERNAL_ROUTES.has(path) && !gate.authorized(req)) {
      req.resume();
      return sendError(res, gate.refuse(req, path), CHALLENGE);
    }
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
  }), options.tls);
  const wb = options.whiteboard;
  dashboard.attach(server, wb && ((req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An exception in the whiteboard's upgrade is counted and reported by the guard, and the socket closed.
    let took = true;
    node.guard.run('whiteboard upgrade', () => {
      socket.once('error', () => undefined);
      try {
        took = wb.upgrade(req, socket, head);
      } catch (err) {
        socket.destroy();
        throw err;
      }
    });
    return took;
  }));
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
