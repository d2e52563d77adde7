/**
 * HTTP Basic credentials (RFC 7617) of a mount's source, checked in constant time: both sides are hashed with
 * SHA-256 and the digests compared with timingSafeEqual, so neither the length nor the first differing byte of the
 * secret shows in the time taken. Credentials are never logged or kept.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

/** Credentials: a user and a password. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The credentials of an `Authorization: Basic ...` value (UTF-8 inside), or undefined when it is not one. */
export function parseBasic(value: string | undefined): Credentials | undefined {
  const m = value === undefined ? null : /^basic[\t ]+(\S+)$/i.exec(value);
  const b64 = m?.[1];
  if (b64 === undefined || b64.length % 4 !== 0 || !BASE64.test(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Whether `given` are exactly `expected`, in time independent of the secret's length and content. */
export function credentialsMatch(given: Credentials | undefined, expected: Credentials): boolean {
  const user = timingSafeEqual(digest(given?.user ?? ''), digest(expected.user));
  const password = timingSafeEqual(digest(given?.password ?? ''), digest(expected.password));
  return given !== undefined && user && password;
}
