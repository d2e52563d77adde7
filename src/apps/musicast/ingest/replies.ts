/**
 * What the radio port answers, shaped as icecast2 2.4.4 answers (checked on this machine): a source gets
 * `HTTP/1.1 100 Continue` when it asked for it, then `HTTP/1.0 200 OK` and an empty line (to PUT and SOURCE alike);
 * a refusal is an HTTP/1.0 status with a one-line text/plain message and `Connection: Close`, a 401 with
 * `WWW-Authenticate: Basic realm="Icecast2 Server"`; a metadata update answers Icecast's `<iceresponse>` XML.
 * One deliberate difference: Icecast answers a second source on a live mount `403 Mountpoint in use`; this port
 * answers 409 (the status that says it), with the same message.
 */

import { ErrorCode } from '../../../core/errors.ts';
import type { IngestRefusal } from './ingest-handlers.ts';

/** Sent to an accepted source: after it, the connection carries the stream. */
export const SOURCE_OK_REPLY = Buffer.from('HTTP/1.0 200 OK\r\n\r\n', 'latin1');

/** Sent instead to an accepted source that asked `Expect: 100-continue`: the interim answer, then the final one. */
export const SOURCE_CONTINUE_OK_REPLY = Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1'), SOURCE_OK_REPLY]);

/** The realm Icecast names in its 401 (some source clients show it). */
export const REALM = 'Icecast2 Server';

/** A refusal that is answered: its status, reason phrase and message. */
export interface RefusalReply {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

/** The answer to each refusal; undefined for those closed without one (a silent head, a connection past the limits). */
export const REFUSAL_REPLIES: Readonly<Record<IngestRefusal, RefusalReply | undefined>> = {
  [ErrorCode.INGEST_HEAD]: { status: 400, reason: 'Bad Request', message: 'Malformed request' },
  [ErrorCode.INGEST_HEAD_SIZE]: { status: 431, reason: 'Request Header Fields Too Large', message: 'Request head too large' },
  [ErrorCode.INGEST_HEAD_TIMEOUT]: undefined,
  [ErrorCode.INGEST_AUTH]: { status: 401, reason: 'Authentication Required', message: 'You need to authenticate' },
  [ErrorCode.INGEST_NO_MOUNT]: { status: 404, reason: 'File Not Found', message: 'Mountpoint not found' },
  [ErrorCode.INGEST_BUSY]: { status: 409, reason: 'Conflict', message: 'Mountpoint in use' },
  [ErrorCode.INGEST_TYPE]: { status: 415, reason: 'Unsupported Media Type', message: 'Content-type not supported' },
  [ErrorCode.INGEST_SOURCES]: { status: 503, reason: 'Service Unavailable', message: 'Too many sources connected' },
  [ErrorCode.INGEST_CONNECTIONS]: undefined,
  [ErrorCode.INGEST_METADATA]: { status: 400, reason: 'Bad Request', message: 'Source does not exist' },
};

/** The headers of a refusal's answer (Content-Length included). */
export function refusalHeaders(r: RefusalReply): Record<string, string> {
  return {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache, no-store',
    ...(r.status === 401 ? { 'WWW-Authenticate': `Basic realm="${REALM}"` } : {}),
    'Content-Length': String(Buffer.byteLength(`${r.message}\r\n`)),
  };
}

/** A refusal's whole answer on a raw connection: an HTTP/1.0 status, its headers, `Connection: Close` and the message. */
export function refusalBytes(r: RefusalReply): Buffer {
  const headers = Object.entries({ Connection: 'Close', ...refusalHeaders(r) }).map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.from(`HTTP/1.0 ${r.status} ${r.reason}\r\n${headers.join('')}\r\n${r.message}\r\n`, 'utf8');
}

/** Icecast's answer to an accepted metadata update: the XML document, text/xml. */
export const METADATA_OK_XML = '<?xml version="1.0"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>\n';
