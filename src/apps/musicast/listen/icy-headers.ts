/**
 * The response headers a player gets for a mount, as icecast2 2.4.4 sends them (checked on this machine:
 * ../shared/notes/radio-ingest.md), plus icy-genre, icy-br, icy-description and icy-url from the mount's info.
 */

import type { MountInfo } from './listen-options.ts';

/** The Server header, also status-json's server_id. */
export const SERVER_ID = 'MusiCast (Scattercast)';

/** Header text from station text: control characters dropped, UTF-8 bytes carried one per latin1 char (Node writes headers as latin1). */
function headerText(text: string): string {
  return Buffer.from(text.replace(/[\x00-\x1f\x7f]/g, ''), 'utf8').toString('latin1');
}

/** Whether a request's `Icy-MetaData` header asks for metadata blocks (a positive integer, as Icecast reads it). */
export function wantsMetadata(value: string | string[] | undefined): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && Number.parseInt(first, 10) > 0;
}

/** The headers of a 200 answer to a listener; `metaint` only for a listener that asked for metadata. */
export function icyHeaders(info: MountInfo, metaint: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    Server: SERVER_ID,
    Connection: 'close',
    'Content-Type': 'audio/mpeg',
    'Cache-Control': 'no-cache, no-store',
    Pragma: 'no-cache',
    'icy-name': headerText(info.name),
    'icy-br': String(info.bitrateKbps),
    'icy-pub': '0',
  };
  if (info.genre !== undefined) headers['icy-genre'] = headerText(info.genre);
  if (info.description !== undefined) headers['icy-description'] = headerText(info.description);
  if (info.url !== undefined) headers['icy-url'] = headerText(info.url);
  if (metaint !== undefined) {
    headers['icy-metadata'] = '1';
    headers['icy-metaint'] = String(metaint);
  }
  return headers;
}
