/**
 * Every HTTP server a node runs (admin, frontend, the demo's dashboard) is made here, so that its deadlines fire
 * on time: node:http checks headersTimeout and requestTimeout only every `connectionsCheckingInterval` (30 s by
 * default), so a 5-s header deadline would cut a slowloris client after about 30 s instead.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Time a client has to send a request's headers, ms. */
export const HEADERS_TIMEOUT_MS = 5_000;

/** Time a client has to send a whole request (headers and body), ms. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Time an idle kept-alive connection stays open, ms. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** How often the server checks its connections against the two deadlines above, ms: a deadline fires at most this late. */
export const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/** An HTTP server running `handler`, with the deadlines above. */
export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
    },
    handler,
  );
}
