/**
 * The node config's `radio` section: MusiCast's Icecast-compatible port, the station's mounts (each one a session,
 * `scast://station/mount`, carried by the `rtp` module), and how listeners are served.
 *
 * ```json
 * { "radio": { "listen": "127.0.0.1:8000", "station": "station",
 *              "mounts": [{ "mount": "/live", "user": "source", "password": "hackme", "name": "Test Station", "bitrate": 128 }],
 *              "burstBytes": 65535, "queueBytes": 524288, "metaint": 16000, "fallback": "loop.mp3" } }
 * ```
 */

import { resolve } from 'node:path';
import type { Checked } from '../../core/config-check.ts';
import { ErrorCode, ScError } from '../../core/errors.ts';
import { formatAddress, isNodeAddress, parseAddress, type Address } from '../../net/address.ts';
import { parseSessionName } from '../../session/name.ts';

/** One mount of the station. */
export interface RadioMount {
  /** The mount's path, `/live` (letters, digits, `-._~` and inner slashes). */
  readonly mount: string;
  /** The source's HTTP Basic user name (default `source`, as Icecast). */
  readonly user: string;
  /** The source's password: compared in constant time, never logged. */
  readonly password: string;
  /** The station name players show (`icy-name`). */
  readonly name: string;
  /** Genre players show (`icy-genre`), if any. */
  readonly genre?: string;
  /** The stream's nominal bitrate, kbit/s (`icy-br`; the silence filler's bitrate before a source ever came). */
  readonly bitrate: number;
  /** This node's place among the mount's sources: 1 is the primary, 2 its backup, ... (default 1). */
  readonly priority: number;
}

/** The `radio` section, validated. */
export interface RadioConfig {
  /** The Icecast-compatible port: sources PUT/SOURCE here, players GET here. */
  readonly listen: Address;
  /** The creator part of every mount's session name, `scast://<station>/<mount>`. */
  readonly station: string;
  /** The mounts' sessions' rendezvous points, host:port (default: this node). */
  readonly rendezvous: readonly string[] | undefined;
  readonly mounts: readonly RadioMount[];
  /** Bytes of the stream a player gets at once on connect (Icecast's burst-size; default 65535). */
  readonly burstBytes: number;
  /** Bytes a player may fall behind before it is cut (Icecast's queue-size; default 524288). */
  readonly queueBytes: number;
  /** Audio bytes between ICY metadata blocks for players that ask (default 16000). */
  readonly metaint: number;
  /** Most players per mount on this node (default 20000). */
  readonly maxListeners: number;
  /** Players' writes are batched this long, ms (default 500: the kernel's send is most of a player's cost; 5,000 players took 47 % of a core at 200 ms, 22 % at 500). */
  readonly batchMs: number;
  /** An MP3 file looped to listeners while no source is live (default: silent frames). */
  readonly fallback: string | undefined;
  /** No frame from any source for this long starts the fallback, ms (default 1000). */
  readonly stallMs: number;
  /** Radio ports of the cluster's members, `http://host:port`: players are redirected (302) to one of them (default: serve here). */
  readonly members: readonly string[];
  /** Sends each mount's RTP stream to a local multicast group too (default: off). */
  readonly multicast: { readonly interface: string; readonly port: number; readonly ttl: number } | undefined;
}

/** The `radio` keys a config file may hold and their JSON types. */
export const RADIO_CONFIG_SCHEMA = {
  listen: 'string',
  station: 'string',
  rendezvous: ['string'],
  mounts: [{ mount: 'string', user: 'string', password: 'string', name: 'string', genre: 'string', bitrate: 'number', priority: 'number' }],
  burstBytes: 'number',
  queueBytes: 'number',
  metaint: 'number',
  maxListeners: 'number',
  batchMs: 'number',
  fallback: 'string',
  stallMs: 'number',
  members: ['string'],
  multicast: { interface: 'string', port: 'number', ttl: 'number' },
} as const;

/** The raw section, types checked. */
export type RawRadio = Checked<typeof RADIO_CONFIG_SCHEMA>;

/** MP3 bitrates a mount may announce, kbit/s. */
const BITRATES = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320];

function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

function intIn(where: string, v: number | undefined, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(Number.isInteger(v) && v >= min && v <= max)) bad(`"radio.${where}" must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return v;
}

/** The session name of a mount: `scast://station/live` for `/live`. */
export function mountSessionName(station: string, mount: string): string {
  return `scast://${station}/${mount.slice(1)}`;
}

function mountOf(station: string, m: NonNullable<RawRadio['mounts']>[number], i: number): RadioMount {
  const where = `radio.mounts[${i}]`;
  if (m.mount === undefined || !/^\/[A-Za-z0-9\-._~]+(\/[A-Za-z0-9\-._~]+)*$/.test(m.mount) || m.mount.endsWith('.sdp') || m.mount.startsWith('/admin')) {
    bad(`"${where}.mount" must be a path like "/live" (letters, digits, "-._~"; not /admin, not ending in .sdp; got ${JSON.stringify(m.mount)})`);
  }
  try {
    parseSessionName(mountSessionName(station, m.mount));
  } catch (err) {
    bad(`"${where}.mount" does not make a session name: ${(err as Error).message}`);
  }
  if (m.password === undefined || m.password.length < 1 || m.password.length > 256) bad(`"${where}.password" must be 1 to 256 characters`);
  const user = m.user ?? 'source';
  if (user.length < 1 || user.length > 64 || user.includes(':')) bad(`"${where}.user" must be 1 to 64 characters without ":"`);
  const bitrate = m.bitrate ?? 128;
  if (!BITRATES.includes(bitrate)) bad(`"${where}.bitrate" must be an MP3 bitrate in kbit/s (${BITRATES.join(', ')}; got ${JSON.stringify(m.bitrate)})`);
  const name = m.name ?? m.mount.slice(1);
  if (name.length > 200 || /[\r\n]/.test(name) || /[\r\n]/.test(m.genre ?? '')) bad(`"${where}.name" and ".genre" must be one line of at most 200 characters`);
  return { mount: m.mount, user, password: m.password, name, ...(m.genre !== undefined && { genre: m.genre }), bitrate, priority: intIn(`mounts[${i}].priority`, m.priority, 1, 9, 1) };
}

/** The section's values checked (ERR_CONFIG_INVALID naming the key); undefined when the section is absent. */
export function radioConfig(raw: RawRadio | undefined, baseDir: string): RadioConfig | undefined {
  if (raw === undefined) return undefined;
  if (raw.listen === undefined) bad('"radio.listen" is needed: the Icecast-compatible port, host:port');
  const station = raw.station ?? 'station';
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/i.test(station)) bad(`"radio.station" must be a host-like name (got ${JSON.stringify(raw.station)})`);
  const mounts = (raw.mounts ?? []).map((m, i) => mountOf(station, m, i));
  if (mounts.length === 0) bad('"radio.mounts" must list at least one mount');
  if (new Set(mounts.map((m) => m.mount)).size !== mounts.length) bad('"radio.mounts" lists a mount twice');
  for (const [i, r] of (raw.rendezvous ?? []).entries()) if (!isNodeAddress(r)) bad(`"radio.rendezvous[${i}]" must be a node address, host:port (got ${JSON.stringify(r)})`);
  if (raw.rendezvous !== undefined && raw.rendezvous.length === 0) bad('"radio.rendezvous" may not be empty (leave it out for this node)');
  for (const [i, u] of (raw.members ?? []).entries()) if (!/^https?:\/\/[^/\s]+$/.test(u)) bad(`"radio.members[${i}]" must be http://host:port (got ${JSON.stringify(u)})`);
  const mc = raw.multicast;
  if (mc !== undefined && (mc.interface === undefined || !/^\d{1,3}(\.\d{1,3}){3}$/.test(mc.interface))) bad('"radio.multicast" must be { "interface": "IPv4 address of the LAN", "port"?: even number, "ttl"?: number }');
  const port = intIn('multicast.port', mc?.port, 1024, 65534, 5004);
  if (port % 2 !== 0) bad('"radio.multicast.port" must be even (RTP; RTCP is the next port)');
  return {
    listen: parseAddress(raw.listen),
    station,
    rendezvous: raw.rendezvous,
    mounts,
    burstBytes: intIn('burstBytes', raw.burstBytes, 0, 16 << 20, 65535),
    queueBytes: intIn('queueBytes', raw.queueBytes, 16 << 10, 64 << 20, 524288),
    metaint: intIn('metaint', raw.metaint, 256, 1 << 20, 16000),
    maxListeners: intIn('maxListeners', raw.maxListeners, 1, 1_000_000, 20000),
    batchMs: intIn('batchMs', raw.batchMs, 10, 1000, 500),
    fallback: raw.fallback === undefined ? undefined : resolve(baseDir, raw.fallback),
    stallMs: intIn('stallMs', raw.stallMs, 100, 60_000, 1000),
    members: raw.members ?? [],
    multicast: mc && { interface: mc.interface as string, port, ttl: intIn('multicast.ttl', mc.ttl, 1, 32, 1) },
  };
}

/** The section as a config file holds it, every default filled in; `radioConfig` accepts it back. */
export function radioConfigJson(c: RadioConfig): RawRadio {
  return {
    listen: formatAddress(c.listen),
    station: c.station,
    ...(c.rendezvous && { rendezvous: [...c.rendezvous] }),
    mounts: c.mounts.map((m) => ({ ...m })),
    burstBytes: c.burstBytes,
    queueBytes: c.queueBytes,
    metaint: c.metaint,
    maxListeners: c.maxListeners,
    batchMs: c.batchMs,
    ...(c.fallback !== undefined && { fallback: c.fallback }),
    stallMs: c.stallMs,
    members: [...c.members],
    ...(c.multicast && { multicast: { ...c.multicast } }),
  };
}
