/**
 * Icecast 2.4's `/status-json.xsl`, so radio dashboards written for Icecast read MusiCast unchanged:
 * `{"icestats":{admin, host, location, server_id, server_start, server_start_iso8601, source}}`, where `source` is one
 * object for one mount, a list for several, and absent without mounts (as Icecast's XSL writes it). Icecast's
 * defaults fill what a mount does not say (genre "various", server_description "Unspecified description").
 */

import { SERVER_ID } from './icy-headers.ts';
import type { MountInfo } from './listen-options.ts';

/** One mount as the status page shows it (a MountListeners is one). */
export interface StatusMount {
  /** What the mount tells players. */
  readonly info: MountInfo;
  /** Players connected now. */
  readonly listeners: number;
  /** Most players connected at once. */
  readonly peak: number;
  /** Its StreamTitle. */
  readonly title: string;
  /** When its stream started, in ms since the epoch. */
  readonly streamStartMs: number;
}

/** The server-wide fields of the status page. */
export interface StatusServer {
  /** The admin's contact (Icecast's <admin>); default "icemaster@localhost". */
  readonly admin?: string;
  /** Where the server is (Icecast's <location>); default "Earth". */
  readonly location?: string;
  /** When the server started, in ms since the epoch; default this process's start. */
  readonly serverStartMs?: number;
}

/** The status page for `mounts` as served at `host` ("HOST:PORT", as the client asked in its Host header). */
export function statusJson(host: string, mounts: readonly StatusMount[], server: StatusServer = {}): object {
  const started = server.serverStartMs ?? Date.now() - process.uptime() * 1000;
  const icestats: Record<string, unknown> = {
    admin: server.admin ?? 'icemaster@localhost',
    host: host.replace(/:\d+$/, ''),
    location: server.location ?? 'Earth',
    server_id: SERVER_ID,
    server_start: rfc822(started),
    server_start_iso8601: iso8601(started),
  };
  const sources = mounts.map((m) => source(host, m));
  if (sources.length > 0) icestats.source = sources.length === 1 ? sources[0] : sources;
  return { icestats };
}

function source(host: string, m: StatusMount): object {
  return {
    bitrate: m.info.bitrateKbps,
    genre: m.info.genre ?? 'various',
    listener_peak: m.peak,
    listeners: m.listeners,
    listenurl: `http://${host}${m.info.mount}`,
    server_description: m.info.description ?? 'Unspecified description',
    server_name: m.info.name,
    server_type: 'audio/mpeg',
    server_url: m.info.url ?? '',
    stream_start: rfc822(m.streamStartMs),
    stream_start_iso8601: iso8601(m.streamStartMs),
    title: m.title,
  };
}

/** Icecast's `%Y-%m-%dT%H:%M:%S%z`, in UTC: "2026-12-07T17:23:55+0000". */
function iso8601(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** Icecast's `%a, %d %b %Y %H:%M:%S %z`, in UTC: "Mon, 07 Dec 2026 17:23:55 +0000". */
function rfc822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
