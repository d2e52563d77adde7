/** JSON over node:http for the frontend and the admin server: bounded bodies, JSON answers, coded errors. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, ScError } from '../core/errors.ts';

/** HTTP status of each code a client may be answered with. */
export const STATUS: Readonly<Record<string, number>> = {
  [ErrorCode.REQUEST_INVALID]: 400,
  [ErrorCode.SESSION_NAME_INVALID]: 400,
  [ErrorCode.URL_INVALID]: 400,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.URL_FORBIDDEN]: 403,
  [ErrorCode.RENDEZVOUS_FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ErrorCode.SESSION_MISMATCH]: 409,
  [ErrorCode.REQUEST_TOO_LARGE]: 413,
  [ErrorCode.ANNOUNCEMENT_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.ANNOUNCEMENT_INVALID]: 422,
  [ErrorCode.ANNOUNCEMENT_SIGNATURE]: 422,
  [ErrorCode.TRANSPORT_UNSUPPORTED]: 422,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.FETCH_FAILED]: 502,
  [ErrorCode.CLUSTER_UNAVAILABLE]: 503,
  [ErrorCode.LIMIT_SESSIONS]: 503,
  [ErrorCode.LIMIT_LIVE_CLIENTS]: 503,
  [ErrorCode.FETCH_TIMEOUT]: 504,
};

const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Sends `body` as JSON, never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Sends `{ error: { code, message } }` with the code's status. */
export function sendError(res: ServerResponse, err: ScError, headers?: Record<string, string>): void {
  const message = err.message.replace(/[\r\n]+/g, ' ');
  sendJson(res, STATUS[err.code] ?? 500, { error: { code: err.code, message } }, headers);
}

/** An ScError for a request that is not what the route takes. */
export function requestInvalid(why: string): ScError {
  return new ScError(ErrorCode.REQUEST_INVALID, why);
}

/** Reads the body, refusing it past `maxBytes`; the rest is drained so the client sees the answer (the server's requestTimeout bounds the drain). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () =>
      size > maxBytes ? reject(new ScError(ErrorCode.REQUEST_TOO_LARGE, `request body larger than ${maxBytes} bytes`)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** Reads a JSON-object body: content type checked, UTF-8 strict, size capped. */
export async function readJsonObject(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    req.resume();
    throw new ScError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'request body must be application/json');
  }
  const body = await readBody(req, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw requestInvalid('request body is not UTF-8 JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw requestInvalid('request body must be a JSON object');
  return json as Record<string, unknown>;
}
