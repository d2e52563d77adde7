/**
 * An HTTP/1.x request head as sources send it (RFC 9112 section 2-5, narrowed): `METHOD SP target SP HTTP/1.x CRLF`,
 * then `name: value CRLF` lines, then an empty line. Narrowed: lines end in CRLF only (a bare CR or LF is refused),
 * no obsolete line folding, a target of visible ASCII, a value of visible bytes, SP and HTAB (bytes 0x80-0xff kept as
 * latin1: an encoder's Ice-Name may be UTF-8 or not; source-request.ts reads it), at most MAX_HEADERS lines. The head
 * is text, so the wire convention's canonical form is semantic: a value is kept without the optional whitespace
 * around it and its name as sent, and encodeRequestHead writes `name: value`, which decodes to the same head.
 */

import { decodeWith, DecodeError } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';

/** Most header lines in a head. */
export const MAX_HEADERS = 64;

/** A request line. */
export interface RequestLine {
  readonly method: string;
  /** The request target as sent (`/live`, `/admin/metadata?mount=/live`). */
  readonly target: string;
  readonly version: '1.0' | '1.1';
}

/** A request head: its line and its header fields in order, names as sent, values without surrounding whitespace. */
export interface RequestHead extends RequestLine {
  readonly headers: readonly (readonly [name: string, value: string])[];
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e]+$/;
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const OWS = /^[\t ]+|[\t ]+$/g;

/** The offset just past the head's empty line in `bytes` (searching from `from`), or -1 when it has not come yet. */
export function headEnd(bytes: Uint8Array, from = 0): number {
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(HEAD_END, Math.max(0, from - 3));
  return at < 0 ? -1 : at + HEAD_END.length;
}

/** The offset just past the request line's CRLF in `bytes`, or -1 when it has not come yet. */
export function requestLineEnd(bytes: Uint8Array): number {
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(CRLF);
  return at < 0 ? -1 : at + CRLF.length;
}

/** Whether `bytes`, the start of a request line whose CRLF has not come, can still become one: visible ASCII and SP, a last CR aside. */
export function mayBeRequestLine(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if ((b < 0x20 || b > 0x7e) && !(b === 0x0d && i === bytes.length - 1)) return false;
  }
  return true;
}

function refuse(code: (typeof WireCode)[keyof typeof WireCode], reason: string): never {
  throw new DecodeError(code, reason);
}

function readLine(text: string): RequestLine {
  const parts = text.split(' ');
  if (parts.length !== 3) refuse(WireCode.RANGE, 'request line: not METHOD SP target SP version');
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) refuse(WireCode.RANGE, 'request line: method is not a token');
  if (!TARGET.test(target)) refuse(WireCode.RANGE, 'request line: target is not visible ASCII');
  if (version !== 'HTTP/1.0' && version !== 'HTTP/1.1') refuse(WireCode.VERSION, 'request line: version is not HTTP/1.0 or HTTP/1.1');
  return { method, target, version: version === 'HTTP/1.0' ? '1.0' : '1.1' };
}

/** A request line without its CRLF (latin1 bytes); never throws. */
export function decodeRequestLine(bytes: Uint8Array): Decoded<RequestLine> {
  return decodeWith(bytes, () => readLine(Buffer.from(bytes).toString('latin1')));
}

/** Exactly one request head, its empty line included; never throws. */
export function decodeRequestHead(bytes: Uint8Array): Decoded<RequestHead> {
  return decodeWith(bytes, () => {
    const end = headEnd(bytes);
    if (end < 0) refuse(WireCode.TRUNCATED, 'head: no empty line');
    if (end !== bytes.length) refuse(WireCode.TRAILING, `head: ${bytes.length - end} bytes after the empty line`);
    const lines = Buffer.from(bytes.buffer, bytes.byteOffset, end - HEAD_END.length).toString('latin1').split('\r\n');
    const line = readLine(lines[0] as string);
    if (lines.length - 1 > MAX_HEADERS) refuse(WireCode.OVERSIZE, `head: over ${MAX_HEADERS} header lines`);
    const headers = lines.slice(1).map((l, i): [string, string] => {
      const colon = l.indexOf(':');
      const name = l.slice(0, colon);
      const value = l.slice(colon + 1);
      if (colon < 1 || !TOKEN.test(name)) refuse(WireCode.RANGE, `header line ${i + 1}: no token name before a colon`);
      if (!VALUE.test(value)) refuse(WireCode.RANGE, `header line ${i + 1} (${name}): a control byte in the value`);
      return [name, value.replace(OWS, '')];
    });
    return { ...line, headers };
  });
}

/** The head's bytes; throws RangeError on a head decodeRequestHead would refuse. */
export function encodeRequestHead(h: RequestHead): Buffer {
  if (h.version !== '1.0' && h.version !== '1.1') throw new RangeError('version is 1.0 or 1.1');
  if (!TOKEN.test(h.method) || !TARGET.test(h.target)) throw new RangeError('method is a token, target visible ASCII');
  if (h.headers.length > MAX_HEADERS) throw new RangeError(`at most ${MAX_HEADERS} headers`);
  let text = `${h.method} ${h.target} HTTP/${h.version}\r\n`;
  for (const [name, value] of h.headers) {
    if (!TOKEN.test(name) || !VALUE.test(value) || value.replace(OWS, '') !== value) throw new RangeError(`header ${name}: a token name and a trimmed value of visible bytes`);
    text += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/** The values of header `name` (case-insensitive), in order. */
export function headerValues(h: RequestHead, name: string): string[] {
  const lower = name.toLowerCase();
  return h.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}
