/**
 * Every HTTP server a node runs (admin, frontend, the demo's dashboard) is made here, so that its deadlines fire
 * on time: node:http checks headersTimeout and requestTimeout only every `connectionsCheckingInterval` (30 s by
 * default), so a 5-s header deadline would cut a slowloris client after about 30 s instead. Given a certificate,
 * the server speaks HTTPS (and its WebSocket upgrades wss://) with the same deadlines, and a TLS handshake has the
 * header deadline too (node:tls allows 120 s).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';

/** Time a client has to send a request's headers, ms; also the time it has to finish a TLS handshake. */
export const HEADERS_TIMEOUT_MS = 5_000;

/** Time a client has to send a whole request (headers and body), ms. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Time an idle kept-alive connection stays open, ms. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** How often the server checks its connections against the two deadlines above, ms: a deadline fires at most this late. */
export const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/** A server's certificate (chain) and private key, PEM: it serves HTTPS. */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
}

/** An HTTP or HTTPS server. */
export type WebServer = Server | HttpsServer;

/** A server running `handler` with the deadlines above: HTTPS when given `tls`, else plain HTTP. */
export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: ServerTls): WebServer {
  const deadlines = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
  };
  if (tls === undefined) return createServer(deadlines, handler);
  return createHttpsServer({ ...deadlines, cert: tls.cert, key: tls.key, handshakeTimeout: HEADERS_TIMEOUT_MS, minVersion: 'TLSv1.2' }, handler);
}
