/**
 * The node's configuration file (JSON). Keys and types are checked first, at every depth (ERR_CONFIG_UNKNOWN_KEY,
 * ERR_CONFIG_TYPE, naming the path), then values field by field (ERR_CONFIG_INVALID).
 *
 * ```json
 * { "listen": "10.0.0.1:7400", "admin": "10.0.0.1:8400", "frontend": "10.0.0.1:8080", "profile": "tuned", "seed": 1,
 *   "sessions": [{ "announcement": "radio.xml", "source": { "channel": 1, "packetsPerSecond": 50 }, "record": "rx.jsonl" }],
 *   "modules": ["./my-module.mjs"] }
 * ```
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkConfig, type Checked } from '../core/config-check.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { GOSSAMER_CONFIG_SCHEMA, gossamerConfig, type GossamerConfig } from '../gossamer/config.ts';
import { PROFILES, PROFILE_NAMES, type ProfileName } from '../gossamer/profiles.ts';
import { formatAddress, isNodeAddress, parseAddress, type Address } from '../net/address.ts';
import { parseAnnouncement, type Announcement } from '../session/announcement.ts';
import { buildAnnouncement } from '../session/announcement-build.ts';
import type { ClusterMember } from '../cluster/cluster-placement.ts';
import type { MulticastOptions } from './local-multicast.ts';
import { NODE_LIMITS_SCHEMA, nodeLimits, type NodeLimits } from './limits.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import type { TestSourceOptions } from './test-source.ts';
import { TRUST_CONFIG_SCHEMA, trustConfig, type TrustConfig } from './trust-config.ts';
import { UPLINKS_CONFIG_SCHEMA, uplinkConfig, type UplinkConfig } from './uplinks-config.ts';
import { RADIO_CONFIG_SCHEMA, radioConfig, radioConfigJson, type RadioConfig } from '../apps/musicast/radio-config.ts';
import { WHITEBOARD_CONFIG_SCHEMA, whiteboardConfig, whiteboardConfigJson, type WhiteboardConfig } from '../apps/whiteboard/whiteboard-config.ts';
import { EMULATE_CONFIG_SCHEMA, emulateConfig, emulateConfigJson } from './link-emulator-config.ts';
import type { EmulatorConfig } from './link-emulator.ts';

/** One session the node joins at start. */
export interface SessionEntry {
  /** The session: a file path (resolved against the config's folder) or the XML itself; required. */
  readonly announcement: Announcement;
  /** A test source on this node: `{ channel, packetsPerSecond? (50/s), payloadBytes? (100 B, at most 60000), count? (never stops) }` (default: none). */
  readonly source?: TestSourceOptions;
  /** Append every packet delivered here to this JSON-lines file, resolved against the config's folder (default: none). */
  readonly record?: string;
}

/** A node's configuration, validated; each field is the config file's key of the same name. */
export interface NodeConfig {
  /** TCP and UDP address to listen on, `host:port`; required (the command's default is 127.0.0.1:7400). */
  readonly listen: Address;
  /** The address peers reach this node at, `host:port` (default: `listen`). */
  readonly advertise?: string;
  /** Admin HTTP address for /metrics, /state and the dashboard, `host:port` (default: none). */
  readonly admin?: Address;
  /** Cluster frontend HTTP address where clients ask for sessions, `host:port` (default: none). */
  readonly frontend?: Address;
  /** Whether the frontend may fetch announcements from loopback, link-local and private addresses (default false). */
  readonly allowPrivateUrls: boolean;
  /** Serve channels on local multicast too: `{ interface: IPv4 address, port? (7500), ttl? (1 hop, at most 32) }` (default: off). */
  readonly multicast?: MulticastOptions;
  /** The protocol profile the `gossamer` overrides apply over: paper, base or tuned (default tuned). */
  readonly profile: ProfileName;
  /** Protocol parameters, each key documented in src/gossamer/config.ts (default: the profile's over DAEMON_GOSSAMER_DEFAULTS, all filled in here). */
  readonly gossamer: GossamerConfig;
  /** Time between the probe module's RTT pings to one peer (or asks of the cluster's prober), ms, at least 100 (default 2000). */
  readonly pingIntervalMs: number;
  /** Silence on a TCP data connection (keepalives every 300 ms) after which it is reset and its upstream routed around, ms, at least 500 (default 1200). */
  readonly dataLinkSilenceMs: number;
  /** Seed of every random choice the node's SCXs make, an integer >= 0 (default 1). */
  readonly seed: number;
  /** Least level of the JSON-lines logs on stderr: one of LOG_LEVELS (default info). */
  readonly logLevel: LogLevel;
  /** Files of user service modules, resolved against the config's folder (default: none). */
  readonly modules: readonly string[];
  /** Sessions the node joins at start (default: none). */
  readonly sessions: readonly SessionEntry[];
  /** The cluster this node belongs to (default: a cluster of its own). */
  readonly cluster?: ClusterConfig;
  /** What the node grants strangers, each key documented in src/daemon/limits.ts (default: DEFAULT_NODE_LIMITS, all filled in here). */
  readonly limits: NodeLimits;
  /** Whether the node is secure and where its keys live, each key documented in src/daemon/trust-config.ts (default: secure, keys under ~/.scattercast). */
  readonly trust: TrustConfig;
  /** Emulated distance to peers (delay, jitter, loss, rate of what arrives from them), keys in src/daemon/link-emulator-config.ts (default: off). */
  readonly emulate?: EmulatorConfig;
  /** Paced uplinks: data rates to peers and the sessions' weights on them, keys in src/daemon/uplinks-config.ts (default: unpaced). */
  readonly uplinks?: UplinkConfig;
  /** MusiCast: the Icecast-compatible radio port and the station's mounts, keys in src/apps/musicast/radio-config.ts (default: none). */
  readonly radio?: RadioConfig;
  /** The whiteboard: the presentations this node serves and what it grants browsers, keys in src/apps/whiteboard/whiteboard-config.ts (default: none). */
  readonly whiteboard?: WhiteboardConfig;
}

/** A node's cluster: its name, the members its frontend spreads sessions over, and the node that probes for all. */
export interface ClusterConfig {
  /** The cluster's name, 1 to 64 letters, digits, "_", "." or "-", shown on dashboards; required. */
  readonly name: string;
  /** Every node of the cluster, this one included: `{ scx, admin }`, both `host:port` (default: none listed). */
  readonly members: readonly ClusterMember[];
  /** Admin address of the cluster's prober node, `host:port`; others ask it for RTTs (default: every node probes for itself). */
  readonly prober?: string;
}

/** Every key a config file may hold, at every depth, and its JSON type. */
const NODE_CONFIG_SCHEMA = {
  listen: 'string',
  advertise: 'string',
  admin: 'string',
  frontend: 'string',
  allowPrivateUrls: 'boolean',
  multicast: { interface: 'string', port: 'number', ttl: 'number' },
  profile: 'string',
  gossamer: GOSSAMER_CONFIG_SCHEMA,
  pingIntervalMs: 'number',
  dataLinkSilenceMs: 'number',
  seed: 'number',
  logLevel: 'string',
  modules: ['string'],
  sessions: [{ announcement: 'string', source: { channel: 'number', packetsPerSecond: 'number', payloadBytes: 'number', count: 'number' }, record: 'string' }],
  cluster: { name: 'string', members: [{ scx: 'string', admin: 'string' }], prober: 'string' },
  limits: NODE_LIMITS_SCHEMA,
  trust: TRUST_CONFIG_SCHEMA,
  emulate: EMULATE_CONFIG_SCHEMA,
  uplinks: UPLINKS_CONFIG_SCHEMA,
  radio: RADIO_CONFIG_SCHEMA,
  whiteboard: WHITEBOARD_CONFIG_SCHEMA,
} as const;

/**
 * The daemon's own protocol defaults, applied under the profile and the config file's `gossamer` keys: measured
 * RTTs jitter (sub-ms on a LAN, ms under CPU load), and each upstream change costs a make-before-break handover,
 * so a node keeps its link costs and its upstreams until a change is worth it. The simulator's costs are exact
 * latencies, so the core's defaults (0) keep its figures. Measured on 12 network namespaces sharing 2 cores (one-way
 * costs of 1-2 ms that swing by up to 1 ms), a minute at rest: 3-5 of 12 nodes changed upstream with a 1-ms gain
 * (one of them twice), 1 node with 2 ms; 7 a node on average, up to 28, with none. On a WAN the 10 % rules.
 * A failure report is believed only once the node has pinged the reported SCX in vain (`verifyFailureReports`): a
 * member's forged report then costs a live SCX one PING per node, not its place in the session.
 */
export const DAEMON_GOSSAMER_DEFAULTS: Partial<GossamerConfig> = Object.freeze({
  linkCostChangeMinMs: 0.5,
  routeSwitchMinGainMs: 2,
  routeSwitchMinGainFraction: 0.1,
  verifyFailureReports: true,
});

/** The raw fields a config file or the command line may give, before their types are checked. */
export type RawNodeConfig = { [K in keyof typeof NODE_CONFIG_SCHEMA]?: unknown };

/** A config file whose keys and types are checked. */
export type NodeConfigFile = Checked<typeof NODE_CONFIG_SCHEMA>;

function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

/** Reads, parses and type-checks a config file; relative paths inside it are resolved against its folder. */
export function readNodeConfigFile(path: string): { raw: NodeConfigFile; baseDir: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    bad(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    bad(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  checkConfig(raw, NODE_CONFIG_SCHEMA);
  return { raw, baseDir: dirname(resolve(path)) };
}

/** Validates raw fields into a NodeConfig, every default filled in. */
export function nodeConfig(raw: RawNodeConfig, baseDir: string): NodeConfig {
  checkConfig(raw, NODE_CONFIG_SCHEMA);
  if (raw.listen === undefined) bad('config needs "listen": "host:port"');
  if (raw.advertise !== undefined && !isNodeAddress(raw.advertise)) {
    bad(`"advertise" must be a node address as peers dial it, host:port (got ${JSON.stringify(raw.advertise)})`);
  }
  const profile = (raw.profile ?? 'tuned') as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) bad(`"profile" must be one of ${PROFILE_NAMES.join(', ')}`);
  const pingIntervalMs = raw.pingIntervalMs ?? 2000;
  if (!(pingIntervalMs >= 100)) bad('"pingIntervalMs" must be a number >= 100');
  const dataLinkSilenceMs = raw.dataLinkSilenceMs ?? 1200;
  if (!(dataLinkSilenceMs >= 500)) bad('"dataLinkSilenceMs" must be a number >= 500 (keepalives go every 300 ms)');
  const seed = raw.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) bad('"seed" must be a non-negative integer');
  const logLevel = (raw.logLevel ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) bad(`"logLevel" must be one of ${LOG_LEVELS.join(', ')}`);
  const emulate = emulateConfig(raw.emulate, seed);
  const uplinks = uplinkConfig(raw.uplinks);
  const radio = radioConfig(raw.radio, baseDir);
  const whiteboard = whiteboardConfig(raw.whiteboard);
  return {
    listen: parseAddress(raw.listen),
    advertise: raw.advertise,
    admin: raw.admin === undefined ? undefined : parseAddress(raw.admin),
    frontend: raw.frontend === undefined ? undefined : parseAddress(raw.frontend),
    allowPrivateUrls: raw.allowPrivateUrls === true,
    multicast: raw.multicast === undefined ? undefined : multicastOptions(raw.multicast),
    profile,
    gossamer: gossamerConfig({ ...DAEMON_GOSSAMER_DEFAULTS, ...PROFILES[profile], ...raw.gossamer }),
    pingIntervalMs,
    dataLinkSilenceMs,
    seed,
    logLevel,
    modules: (raw.modules ?? []).map((m) => resolve(baseDir, m)),
    sessions: (raw.sessions ?? []).map((s, i) => sessionEntry(s, i, baseDir)),
    ...(raw.cluster !== undefined && { cluster: clusterConfig(raw.cluster) }),
    limits: nodeLimits(raw.limits),
    trust: trustConfig(raw.trust, baseDir),
    ...(emulate && { emulate }),
    ...(uplinks && { uplinks }),
    ...(radio && { radio }),
    ...(whiteboard && { whiteboard }),
  };
}

/** The effective config as a config file holds it, every default filled in; `nodeConfig` accepts it back. */
export function nodeConfigJson(c: NodeConfig): NodeConfigFile {
  return {
    listen: formatAddress(c.listen),
    ...(c.advertise !== undefined && { advertise: c.advertise }),
    ...(c.admin && { admin: formatAddress(c.admin) }),
    ...(c.frontend && { frontend: formatAddress(c.frontend) }),
    allowPrivateUrls: c.allowPrivateUrls,
    ...(c.multicast && { multicast: c.multicast }),
    profile: c.profile,
    gossamer: c.gossamer,
    pingIntervalMs: c.pingIntervalMs,
    dataLinkSilenceMs: c.dataLinkSilenceMs,
    seed: c.seed,
    logLevel: c.logLevel,
    modules: [...c.modules],
    sessions: c.sessions.map((s) => ({ announcement: buildAnnouncement(s.announcement), ...(s.source && { source: s.source }), ...(s.record !== undefined && { record: s.record }) })),
    ...(c.cluster && { cluster: { ...c.cluster, members: [...c.cluster.members] } }),
    limits: c.limits,
    trust: {
      insecure: c.trust.insecure,
      stateDir: c.trust.stateDir,
      ...(!c.trust.createOverlay && { overlay: c.trust.overlay }),
      ...(c.trust.clusterToken !== undefined && { clusterToken: c.trust.clusterToken }),
      ...(c.trust.sourceSecrets.length > 0 && { sourceSecrets: c.trust.sourceSecrets.map((s) => ({ ...s })) }),
      ...(c.trust.https && { certificate: c.trust.https.certificate, certificateKey: c.trust.https.certificateKey, certificateAuthority: c.trust.https.certificateAuthority }),
    },
    ...(c.emulate && { emulate: emulateConfigJson(c.emulate) }),
    ...(c.uplinks && { uplinks: { ...(c.uplinks.rateKbps !== undefined && { rateKbps: c.uplinks.rateKbps }), peers: c.uplinks.peers.map((p) => ({ ...p })), sessions: c.uplinks.sessions.map((x) => ({ ...x })) } }),
    ...(c.radio && { radio: radioConfigJson(c.radio) }),
    ...(c.whiteboard && { whiteboard: whiteboardConfigJson(c.whiteboard) }),
  };
}

function clusterConfig(c: NonNullable<NodeConfigFile['cluster']>): ClusterConfig {
  if (c.name === undefined || !/^[\w.-]{1,64}$/.test(c.name)) bad('"cluster.name" must be 1 to 64 letters, digits, "_", "." or "-"');
  const members = (c.members ?? []).map(({ scx, admin }, i) => {
    if (scx === undefined || admin === undefined) bad(`cluster.members[${i}] must be { "scx": "host:port", "admin": "host:port" }`);
    parseAddress(scx);
    parseAddress(admin);
    return { scx, admin };
  });
  if (new Set(members.map((m) => m.scx)).size !== members.length) bad('cluster.members lists an SCX address twice');
  if (c.prober !== undefined) parseAddress(c.prober);
  return { name: c.name, members, ...(c.prober !== undefined && { prober: c.prober }) };
}

function multicastOptions(m: NonNullable<NodeConfigFile['multicast']>): MulticastOptions {
  if (m.interface === undefined || !/^\d{1,3}(\.\d{1,3}){3}$/.test(m.interface)) {
    bad('"multicast" must be { "interface": "IPv4 address of the LAN interface", "port"?: number, "ttl"?: number }');
  }
  if (m.port !== undefined && !(Number.isInteger(m.port) && m.port >= 1 && m.port <= 65535)) bad('"multicast.port" must be 1..65535');
  if (m.ttl !== undefined && !(Number.isInteger(m.ttl) && m.ttl >= 1 && m.ttl <= 32)) bad('"multicast.ttl" must be 1..32 (scope: keep it small)');
  return { ...m, interface: m.interface };
}

function sessionEntry(r: NonNullable<NodeConfigFile['sessions']>[number], i: number, baseDir: string): SessionEntry {
  const where = `sessions[${i}]`;
  if (r.announcement === undefined) bad(`${where} needs "announcement": a file path or the XML itself`);
  const announcement = loadAnnouncement(r.announcement, baseDir);
  const s = r.source;
  if (s !== undefined) {
    if (!announcement.channels.some((c) => c.id === s.channel)) bad(`${where}.source.channel must be one of the announcement's channel ids`);
    for (const k of ['packetsPerSecond', 'payloadBytes', 'count'] as const) {
      if (s[k] !== undefined && !((s[k] as number) > 0)) bad(`${where}.source.${k} must be a positive number`);
    }
    if (s.payloadBytes !== undefined && s.payloadBytes > 60_000) bad(`${where}.source.payloadBytes must be at most 60000`);
  }
  return {
    announcement,
    source: s === undefined ? undefined : { ...s, channel: s.channel as number },
    record: r.record === undefined ? undefined : resolve(baseDir, r.record),
  };
}

/** An announcement given inline (it starts with `<`) or as a file path. */
export function loadAnnouncement(text: string, baseDir: string): Announcement {
  if (text.trimStart().startsWith('<')) return parseAnnouncement(text);
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(baseDir, text));
  } catch (err) {
    bad(`cannot read announcement ${text}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseAnnouncement(bytes);
}
