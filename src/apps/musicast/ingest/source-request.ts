/**
 * Admitting a source: an Icecast source request's head (`PUT /mount`, Icecast 2.4+, or the legacy `SOURCE /mount`)
 * checked as icecast2 checks it, in its order: the mount named (else 404), the mount's Basic credentials (else 401),
 * an MP3 Content-Type (else 415; a legacy SOURCE without one is taken as MP3, as Icecast takes it), room for one more
 * source (else 503), and the mount free (else 409). The station's `open` is asked last, only for a source that
 * passed everything else. The body has no length (it runs until the connection closes, as Icecast reads it), so a
 * chunked one is refused (400) and a Content-Length ignored.
 */

import { ErrorCode } from '../../../core/errors.ts';
import { credentialsMatch, parseBasic } from './basic-auth.ts';
import type { IngestHandlers, IngestRefusal, SourceInfo, SourceSink } from './ingest-handlers.ts';
import { headerValues, type RequestHead } from './request-head.ts';

/** The methods of a source request. */
export const SOURCE_METHODS: ReadonlySet<string> = new Set(['PUT', 'SOURCE']);

/**
 * The media types taken as MP3: `audio/mpeg` (what ffmpeg, libshout, butt and liquidsoap send), and `audio/x-mpeg`
 * and `audio/mp3`, which older and web encoders send (icecast2 maps `audio/x-mpeg` to MP3 too).
 */
export const MP3_TYPES: ReadonlySet<string> = new Set(['audio/mpeg', 'audio/x-mpeg', 'audio/mp3']);

/** Longest mount, characters after percent-decoding. */
export const MAX_MOUNT_LENGTH = 255;

/** An admitted source: its mount, the sink the station gave, and whether it asked for `100 Continue`. */
export interface AdmittedSource {
  readonly ok: true;
  readonly mount: string;
  readonly sink: SourceSink;
  readonly expectContinue: boolean;
}

/** A refused request: its code, and its mount when it named one. */
export interface RefusedRequest {
  readonly ok: false;
  readonly code: IngestRefusal;
  readonly mount?: string;
}

/** A mount as a request names it (a path or a `mount=` parameter): percent-decoded, `/` first, no control character; else undefined. */
export function mountOf(text: string | null | undefined): string | undefined {
  let mount: string;
  try {
    mount = decodeURIComponent(text ?? '');
  } catch {
    return undefined;
  }
  return /^\/[^\x00-\x1f\x7f]*$/.test(mount) && mount.length <= MAX_MOUNT_LENGTH ? mount : undefined;
}

/** A header's value as UTF-8 when its bytes are UTF-8, else as latin1 (older encoders send their Ice-Name so). */
function text(h: RequestHead, ...names: string[]): string | undefined {
  const value = names.map((n) => headerValues(h, n)[0]).find((v) => v !== undefined);
  if (value === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** What a source said of itself, with `contentType` already checked. */
function sourceInfo(h: RequestHead, remote: string, contentType: string): SourceInfo {
  const pub = text(h, 'ice-public', 'icy-pub');
  const fields = {
    userAgent: text(h, 'user-agent'),
    iceName: text(h, 'ice-name', 'icy-name'),
    iceGenre: text(h, 'ice-genre', 'icy-genre'),
    iceDescription: text(h, 'ice-description', 'icy-description'),
    iceUrl: text(h, 'ice-url', 'icy-url'),
    icePublic: pub === undefined ? undefined : pub === '1' || pub.toLowerCase() === 'true',
  };
  return { remote, contentType, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
}

/** Checks a source request `h` from `remote` with `live` sources already on the port; asks the station to open it last. */
export function admitSource(h: RequestHead, remote: string, ingest: IngestHandlers, live: number, maxSources: number): AdmittedSource | RefusedRequest {
  const mount = h.target.includes('?') ? undefined : mountOf(h.target);
  if (mount === undefined) return { ok: false, code: ErrorCode.INGEST_HEAD };
  const single = ['authorization', 'content-type', 'transfer-encoding', 'expect'].every((n) => headerValues(h, n).length <= 1);
  const encoding = headerValues(h, 'transfer-encoding')[0];
  if (!single || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) return { ok: false, code: ErrorCode.INGEST_HEAD, mount };
  const expected = ingest.credentials(mount);
  if (expected === undefined) return { ok: false, code: ErrorCode.INGEST_NO_MOUNT, mount };
  if (!credentialsMatch(parseBasic(headerValues(h, 'authorization')[0]), expected)) return { ok: false, code: ErrorCode.INGEST_AUTH, mount };
  const given = headerValues(h, 'content-type')[0];
  const contentType = given === undefined && h.method === 'SOURCE' ? 'audio/mpeg' : (given ?? '').split(';')[0]!.trim().toLowerCase();
  if (!MP3_TYPES.has(contentType)) return { ok: false, code: ErrorCode.INGEST_TYPE, mount };
  if (live >= maxSources) return { ok: false, code: ErrorCode.INGEST_SOURCES, mount };
  const sink = ingest.open(mount, sourceInfo(h, remote, contentType));
  if (sink === 'busy') return { ok: false, code: ErrorCode.INGEST_BUSY, mount };
  const expectContinue = /(^|[\s,])100-continue($|[\s,;])/i.test(headerValues(h, 'expect')[0] ?? '');
  return { ok: true, mount, sink, expectContinue };
}
