/** What a mount tells players, and how its listeners are served (Icecast's names and defaults where it has them). */

/** What a mount tells players (icy-* headers, /status-json.xsl). */
export interface MountInfo {
  /** The path players ask for, with its slash: "/live". */
  readonly mount: string;
  /** The station's name (icy-name, server_name). */
  readonly name: string;
  /** Its genre (icy-genre). */
  readonly genre?: string;
  /** A line about it (icy-description, server_description). */
  readonly description?: string;
  /** Its web site (icy-url, server_url). */
  readonly url?: string;
  /** The stream's bitrate in kbit/s (icy-br, bitrate). */
  readonly bitrateKbps: number;
}

/** How listeners are served; every field has a default. */
export interface ListenOptions {
  /** Bytes of audio between two ICY metadata blocks (icy-metaint), 1..1 MiB; default 16000 (Icecast's). */
  readonly metaint?: number;
  /** Bytes of recent stream sent at once to a new listener (whole frames, at most this many); default 65535 (Icecast's burst-size). */
  readonly burstBytes?: number;
  /** Bytes a listener may have waiting in its socket's user-space queue before it is cut; default 524288 (Icecast's queue-size), at least burstBytes. */
  readonly queueBytes?: number;
  /** Milliseconds between two writes to a listener (one timer per mount); default 100. */
  readonly batchMs?: number;
  /** Most listeners at once on this mount; default 10000. */
  readonly maxListeners?: number;
  /** Listeners a tick writes to before it lets the event loop run (~10 us a write); default 500. */
  readonly sliceListeners?: number;
}

/** ListenOptions with every default filled in. */
export type ListenSettings = Required<ListenOptions>;

/** The defaults of ListenOptions. */
export const LISTEN_DEFAULTS: ListenSettings = {
  metaint: 16000,
  burstBytes: 65535,
  queueBytes: 524288,
  batchMs: 100,
  maxListeners: 10000,
  sliceListeners: 500,
};

/** Largest metaint accepted, in bytes. */
const MAX_METAINT = 1 << 20;

/** `options` over the defaults; throws RangeError on a value out of range (a local configuration mistake). */
export function listenSettings(options: ListenOptions = {}): ListenSettings {
  const s: ListenSettings = { ...LISTEN_DEFAULTS, ...definedOnly(options) };
  integerIn('metaint', s.metaint, 1, MAX_METAINT);
  integerIn('burstBytes', s.burstBytes, 0, 64 << 20);
  integerIn('queueBytes', s.queueBytes, Math.max(1, s.burstBytes), 1 << 30);
  integerIn('batchMs', s.batchMs, 1, 10_000);
  integerIn('maxListeners', s.maxListeners, 0, 1_000_000);
  integerIn('sliceListeners', s.sliceListeners, 1, 1_000_000);
  return s;
}

/** Checks `info` (mount path, bitrate); throws RangeError on a mistake. */
export function checkMountInfo(info: MountInfo): void {
  if (!/^\/[\x21-\x7e]*$/.test(info.mount)) throw new RangeError(`mount ${JSON.stringify(info.mount)} must be a path of printable ASCII`);
  integerIn('bitrateKbps', info.bitrateKbps, 0, 100_000);
}

function integerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, not ${value}`);
}

function definedOnly(options: ListenOptions): Partial<ListenSettings> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<ListenSettings>;
}
