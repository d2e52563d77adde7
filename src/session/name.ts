/**
 * Session names (paper 3.3): a session is named by a URL, `scast://creator/name`, where the creator is a
 * host-like identity (say `www.cnn.com`) and the name is chosen by the creator. The paper's Fig. 2 spells the
 * scheme `scattercast://`; both parse to the same name. The session id that every data packet carries is the
 * MD5 of the canonical spelling, so any SCX computes it from the name alone.
 */
import { createHash } from 'node:crypto';

import { ErrorCode, ScError } from '../core/errors.ts';

/** A session's name: who created the session (a host-like identity) and what the creator called it. */
export interface SessionName {
  /** Host-like identity of the creator, lower-cased (`www.cnn.com`). */
  readonly creator: string;
  /** The creator's name for the session, case kept (`Headline_News`). */
  readonly name: string;
}

/** Longest session name accepted, in characters of its text. */
export const SESSION_NAME_MAX_LENGTH = 512;

/** Longest creator identity, in characters (a DNS name's limit). */
const CREATOR_MAX_LENGTH = 253;

/** Longest session name part, in characters. */
const NAME_MAX_LENGTH = 200;

const SCHEME = /^(?:scast|scattercast):\/\//i;
const CREATOR_CHAR = /[A-Za-z0-9._:-]/;
const NAME_CHAR = /[A-Za-z0-9\-._~/]/;
const HEX = /^[0-9A-Fa-f]{2}$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Quotes untrusted text for a one-line error message: clipped, with anything but printable ASCII escaped. */
export function quoted(text: string, max = 40): string {
  const clipped = text.length > max ? `${text.slice(0, max)}...` : text;
  const escaped = clipped.replace(/[^\x20-\x7e]|["\\]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

function invalid(why: string): ScError {
  return new ScError(ErrorCode.SESSION_NAME_INVALID, `session name: ${why}`);
}

/** Checks a creator identity: letters, digits, '.', '-', '_', ':', 1..253 characters. */
function checkCreator(creator: string): string {
  if (creator === '') throw invalid('missing creator (expected scast://creator/name)');
  if (creator.length > CREATOR_MAX_LENGTH) throw invalid(`creator longer than ${CREATOR_MAX_LENGTH} characters`);
  for (const c of creator) {
    if (!CREATOR_CHAR.test(c)) throw invalid(`creator may not contain ${quoted(c)} (only letters, digits, '.', '-', '_', ':')`);
  }
  return creator.toLowerCase();
}

/** Checks a session name part and normalises its percent-escapes (RFC 3986: unreserved decoded, hex upper-case). */
function checkName(name: string): string {
  if (name === '') throw invalid('missing session name after the creator');
  if (name.length > NAME_MAX_LENGTH) throw invalid(`name longer than ${NAME_MAX_LENGTH} characters`);
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charAt(i);
    if (c === '%') {
      const hex = name.slice(i + 1, i + 3);
      if (!HEX.test(hex)) throw invalid(`bad percent-escape ${quoted(name.slice(i, i + 3))} in the name`);
      const decoded = String.fromCharCode(Number.parseInt(hex, 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (NAME_CHAR.test(c)) {
      out += c;
    } else if (/\s/.test(c)) {
      throw invalid('name may not contain whitespace');
    } else if (c === '?' || c === '#') {
      throw invalid(`name may not contain '${c}' (no query or fragment)`);
    } else {
      throw invalid(`name may not contain ${quoted(c)} (only letters, digits, '-._~/' and percent-escapes)`);
    }
  }
  if (out.endsWith('/')) throw invalid('name may not end with a slash');
  for (const segment of out.split('/')) {
    if (segment === '') throw invalid('name may not contain an empty path segment');
    if (segment === '.' || segment === '..') throw invalid(`name may not contain a '${segment}' path segment`);
  }
  return out;
}

/** Parses `scast://creator/name` (or `scattercast://creator/name`); throws ScError(ERR_SESSION_NAME_INVALID). */
export function parseSessionName(text: string): SessionName {
  if (typeof text !== 'string') throw invalid('not a string');
  if (text.length > SESSION_NAME_MAX_LENGTH) throw invalid(`longer than ${SESSION_NAME_MAX_LENGTH} characters`);
  const scheme = SCHEME.exec(text);
  if (scheme === null) throw invalid(`${quoted(text)} does not start with scast:// or scattercast://`);
  const rest = text.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  if (slash < 0) {
    checkCreator(rest);
    throw invalid('missing session name after the creator');
  }
  return Object.freeze({ creator: checkCreator(rest.slice(0, slash)), name: checkName(rest.slice(slash + 1)) });
}

/** The canonical spelling `scast://creator/name`: creator lower-cased, name case kept; validates both parts. */
export function formatSessionName(n: SessionName): string {
  return `scast://${checkCreator(n.creator)}/${checkName(n.name)}`;
}

/** The 16-byte session id: the MD5 of the canonical name, the same for every spelling of one session. */
export function sessionId(n: SessionName | string): Buffer {
  const canonical = formatSessionName(typeof n === 'string' ? parseSessionName(n) : n);
  return createHash('md5').update(canonical, 'utf8').digest();
}

/** The session id as 32 lower-case hex characters. */
export function sessionIdHex(n: SessionName | string): string {
  return sessionId(n).toString('hex');
}
