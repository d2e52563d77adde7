/** The cluster-internal API's credential on the wire: `Authorization: Bearer <token>`, checked in constant time. */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** The request header that carries `token`. */
export function bearerHeader(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/**
 * Whether `headers` carry `token`. The two are compared as SHA-256 digests with timingSafeEqual, so that the time
 * taken tells neither how many leading bytes matched nor how long the token is.
 */
export function carriesToken(headers: IncomingHttpHeaders, token: string): boolean {
  const given = BEARER.exec(headers.authorization ?? '')?.[1];
  const same = timingSafeEqual(digest(given ?? ''), digest(token));
  return same && given !== undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
