/**
 * The node's configuration file (JSON), validated field by field with clear errors (ERR_CONFIG_INVALID).
 *
 * ```json
 * { "listen": "10.0.0.1:7400", "admin": "10.0.0.1:8400", "frontend": "10.0.0.1:8080", "profile": "tuned", "seed": 1,
 *   "sessions": [{ "announcement": "radio.xml", "source": { "channel": 1, "packetsPerSecond": 50 }, "record": "rx.jsonl" }],
 *   "modules": ["./my-module.mjs"] }
 * ```
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { GossamerConfig } from '../gossamer/config.ts';
import { PROFILES, PROFILE_NAMES, type ProfileName } from '../gossamer/profiles.ts';
import { parseAddress, type Address } from '../net/address.ts';
import { parseAnnouncement, type Announcement } from '../session/announcement.ts';
import type { ClusterMember } from '../cluster/cluster-placement.ts';
import type { MulticastOptions } from './local-multicast.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import type { TestSourceOptions } from './test-source.ts';

/** One session the node joins at start. */
export interface SessionEntry {
  readonly announcement: Announcement;
  /** A built-in test source sending on this node. */
  readonly source?: TestSourceOptions;
  /** Append every packet delivered here to this JSON-lines file. */
  readonly record?: string;
}

/** A node's configuration, validated. */
export interface NodeConfig {
  /** TCP and UDP address to listen on. */
  readonly listen: Address;
  /** The address peers reach this node at (default: `listen`). */
  readonly advertise?: string;
  /** Admin HTTP address for /metrics and /state (default: none). */
  readonly admin?: Address;
  /** Cluster frontend HTTP address, where clients ask for sessions (default: none). */
  readonly frontend?: Address;
  /** Whether the frontend may fetch announcements from loopback, link-local and private addresses (default false). */
  readonly allowPrivateUrls: boolean;
  /** Serve channels on local multicast too: the interface's IPv4 address, the groups' port and TTL (default: off). */
  readonly multicast?: MulticastOptions;
  /** Protocol parameters: a profile, then overrides. */
  readonly gossamer: Partial<GossamerConfig>;
  /** Time between probe measurements of one peer, ms. */
  readonly probeIntervalMs: number;
  /** Seed of every random choice the node's SCXs make. */
  readonly seed: number;
  readonly logLevel: LogLevel;
  /** Files of user service modules (paths resolved against the config file). */
  readonly modules: readonly string[];
  readonly sessions: readonly SessionEntry[];
  /** The cluster this node belongs to (default: a cluster of its own). */
  readonly cluster?: ClusterConfig;
}

/** A node's cluster: its name, the members its frontend spreads sessions over, and the node that probes for all. */
export interface ClusterConfig {
  /** The cluster's name, shown on dashboards. */
  readonly name: string;
  /** Every node of the cluster, this one included: SCX address and admin address (default: none listed). */
  readonly members: readonly ClusterMember[];
  /** Admin address of the cluster's prober node; others ask it for RTTs (default: every node probes for itself). */
  readonly prober?: string;
}

/** The raw fields a config file or the command line may give. */
export interface RawNodeConfig {
  listen?: unknown;
  advertise?: unknown;
  admin?: unknown;
  frontend?: unknown;
  allowPrivateUrls?: unknown;
  multicast?: unknown;
  profile?: unknown;
  gossamer?: unknown;
  probeIntervalMs?: unknown;
  seed?: unknown;
  logLevel?: unknown;
  modules?: unknown;
  sessions?: unknown;
  cluster?: unknown;
}


function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

/** Reads and parses a config file; relative paths inside it are resolved against its folder. */
export function readNodeConfigFile(path: string): { raw: RawNodeConfig; baseDir: string } {
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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(`config ${path} must hold a JSON object`);
  return { raw: raw as RawNodeConfig, baseDir: dirname(resolve(path)) };
}

/** Validates raw fields into a NodeConfig. */
export function nodeConfig(raw: RawNodeConfig, baseDir: string): NodeConfig {
  const known = new Set(['listen', 'advertise', 'admin', 'frontend', 'allowPrivateUrls', 'multicast', 'profile', 'gossamer', 'probeIntervalMs', 'seed', 'logLevel', 'modules', 'sessions', 'cluster']);
  for (const k of Object.keys(raw)) if (!known.has(k)) bad(`unknown config field "${k}" (known: ${[...known].join(', ')})`);
  if (typeof raw.listen !== 'string') bad('config needs "listen": "host:port"');
  const listen = parseAddress(raw.listen);
  if (raw.advertise !== undefined && typeof raw.advertise !== 'string') bad('"advertise" must be "host:port"');
  if (typeof raw.advertise === 'string') parseAddress(raw.advertise);
  const admin = raw.admin === undefined ? undefined : parseAddress(String(raw.admin));
  const frontend = raw.frontend === undefined ? undefined : parseAddress(String(raw.frontend));
  if (raw.allowPrivateUrls !== undefined && typeof raw.allowPrivateUrls !== 'boolean') bad('"allowPrivateUrls" must be true or false');
  const profile = (raw.profile ?? 'tuned') as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) bad(`"profile" must be one of ${PROFILE_NAMES.join(', ')}`);
  if (raw.gossamer !== undefined && (typeof raw.gossamer !== 'object' || raw.gossamer === null)) bad('"gossamer" must be an object of protocol overrides');
  const probeIntervalMs = raw.probeIntervalMs ?? 2000;
  if (typeof probeIntervalMs !== 'number' || !(probeIntervalMs >= 100)) bad('"probeIntervalMs" must be a number >= 100');
  const seed = raw.seed ?? 1;
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) bad('"seed" must be a non-negative integer');
  const logLevel = (raw.logLevel ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) bad(`"logLevel" must be one of ${LOG_LEVELS.join(', ')}`);
  const modules = raw.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) bad('"modules" must be a list of file paths');
  const sessions = raw.sessions ?? [];
  if (!Array.isArray(sessions)) bad('"sessions" must be a list');
  return {
    listen,
    advertise: raw.advertise as string | undefined,
    admin,
    frontend,
    allowPrivateUrls: raw.allowPrivateUrls === true,
    multicast: raw.multicast === undefined ? undefined : multicastOptions(raw.multicast),
    gossamer: { ...PROFILES[profile], ...(raw.gossamer as Partial<GossamerConfig>) },
    probeIntervalMs,
    seed: seed as number,
    logLevel,
    modules: modules.map((m: string) => resolve(baseDir, m)),
    sessions: sessions.map((s: unknown, i: number) => sessionEntry(s, i, baseDir)),
    ...(raw.cluster !== undefined && { cluster: clusterConfig(raw.cluster) }),
  };
}

function clusterConfig(raw: unknown): ClusterConfig {
  const shape = '"cluster" must be { "name": string, "members"?: [{ "scx": "host:port", "admin": "host:port" }], "prober"?: "host:port" }';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(shape);
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!['name', 'members', 'prober'].includes(k)) bad(`cluster: unknown field "${k}"`);
  if (typeof c.name !== 'string' || !/^[\w.-]{1,64}$/.test(c.name)) bad('"cluster.name" must be 1 to 64 letters, digits, "_", "." or "-"');
  const members = c.members ?? [];
  if (!Array.isArray(members)) bad(shape);
  const checked = members.map((m: unknown, i: number) => {
    const r = m as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r.scx !== 'string' || typeof r.admin !== 'string') bad(`cluster.members[${i}] must be { "scx": "host:port", "admin": "host:port" }`);
    parseAddress(r.scx);
    parseAddress(r.admin);
    return { scx: r.scx, admin: r.admin };
  });
  if (new Set(checked.map((m) => m.scx)).size !== checked.length) bad('cluster.members lists an SCX address twice');
  if (c.prober !== undefined && typeof c.prober !== 'string') bad('"cluster.prober" must be the prober node\'s admin "host:port"');
  if (typeof c.prober === 'string') parseAddress(c.prober);
  return { name: c.name, members: checked, ...(typeof c.prober === 'string' && { prober: c.prober }) };
}

function multicastOptions(raw: unknown): MulticastOptions {
  const m = raw as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || typeof m.interface !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(m.interface)) {
    bad('"multicast" must be { "interface": "IPv4 address of the LAN interface", "port"?: number, "ttl"?: number }');
  }
  for (const k of Object.keys(m)) if (!['interface', 'port', 'ttl'].includes(k)) bad(`multicast: unknown field "${k}"`);
  if (m.port !== undefined && !(Number.isInteger(m.port) && (m.port as number) >= 1 && (m.port as number) <= 65535)) bad('"multicast.port" must be 1..65535');
  if (m.ttl !== undefined && !(Number.isInteger(m.ttl) && (m.ttl as number) >= 1 && (m.ttl as number) <= 32)) bad('"multicast.ttl" must be 1..32 (scope: keep it small)');
  return m as unknown as MulticastOptions;
}

function sessionEntry(raw: unknown, i: number, baseDir: string): SessionEntry {
  const where = `sessions[${i}]`;
  if (typeof raw !== 'object' || raw === null) bad(`${where} must be an object`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!['announcement', 'source', 'record'].includes(k)) bad(`${where}: unknown field "${k}"`);
  if (typeof r.announcement !== 'string') bad(`${where} needs "announcement": a file path or the XML itself`);
  const announcement = loadAnnouncement(r.announcement, baseDir);
  let source: TestSourceOptions | undefined;
  if (r.source !== undefined) {
    const s = r.source as Record<string, unknown>;
    const channel = s?.channel;
    if (!announcement.channels.some((c) => c.id === channel)) bad(`${where}.source.channel must be one of the announcement's channel ids`);
    for (const k of ['packetsPerSecond', 'payloadBytes', 'count'] as const) {
      if (s[k] !== undefined && !(typeof s[k] === 'number' && (s[k] as number) > 0)) bad(`${where}.source.${k} must be a positive number`);
    }
    if ((s.payloadBytes as number | undefined) !== undefined && (s.payloadBytes as number) > 60_000) bad(`${where}.source.payloadBytes must be at most 60000`);
    source = s as unknown as TestSourceOptions;
  }
  if (r.record !== undefined && typeof r.record !== 'string') bad(`${where}.record must be a file path`);
  return { announcement, source, record: r.record === undefined ? undefined : resolve(baseDir, r.record as string) };
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
