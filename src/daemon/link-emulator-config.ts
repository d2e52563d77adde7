/**
 * The config file's `emulate` section: the link emulator (link-emulator.ts), off unless the section names a peer
 * or a default. Types are checked with the rest of the file (ERR_CONFIG_UNKNOWN_KEY, ERR_CONFIG_TYPE); values here
 * (ERR_CONFIG_INVALID, naming the key).
 *
 * ```json
 * "emulate": { "seed": 7, "default": { "delayMs": 60 },
 *              "peers": [{ "peer": "10.0.0.2:7400", "delayMs": 30, "jitterMs": 2, "loss": 0.01, "rateKbps": 10000 },
 *                        { "peer": "10.0.1.9", "delayMs": 1 }] }
 * ```
 */

import type { Checked } from '../core/config-check.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { isNodeAddress } from '../net/address.ts';
import type { EmulatorConfig, LinkProfile } from './link-emulator.ts';

/** One link's keys and their JSON types. */
const LINK_SCHEMA = { delayMs: 'number', jitterMs: 'number', loss: 'number', rateKbps: 'number' } as const;

/** The config file's `emulate` keys and their JSON types. */
export const EMULATE_CONFIG_SCHEMA = {
  seed: 'number',
  maxQueueBytes: 'number',
  default: LINK_SCHEMA,
  peers: [{ peer: 'string', ...LINK_SCHEMA }],
} as const;

/** Largest one-way delay or jitter, ms. */
export const MAX_EMULATED_DELAY_MS = 10_000;
/** Most rules in `emulate.peers`. */
export const MAX_EMULATED_RULES = 1024;
/** Bytes one emulated link may hold by default (`emulate.maxQueueBytes`), bytes. */
export const DEFAULT_EMULATED_QUEUE_BYTES = 4 * 1024 * 1024;

type RawLink = Checked<typeof LINK_SCHEMA>;

/** The raw `emulate` section, its types checked. */
export type RawEmulateConfig = Checked<typeof EMULATE_CONFIG_SCHEMA>;

function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

/** A host alone: a DNS name, dotted IPv4 or IPv6 address (what a node address would carry). */
function isHost(text: string): boolean {
  return isNodeAddress(text.includes(':') ? `[${text}]:1` : `${text}:1`);
}

/** The emulator's config from the raw section (types already checked); undefined if it names nobody (off). `nodeSeed` is the default seed. */
export function emulateConfig(raw: RawEmulateConfig | undefined, nodeSeed: number): EmulatorConfig | undefined {
  if (raw === undefined) return undefined;
  const seed = raw.seed ?? nodeSeed;
  if (!Number.isSafeInteger(seed) || seed < 0) bad('"emulate.seed" must be a non-negative integer');
  const maxQueueBytes = raw.maxQueueBytes ?? DEFAULT_EMULATED_QUEUE_BYTES;
  if (!(Number.isSafeInteger(maxQueueBytes) && maxQueueBytes >= 64 * 1024)) bad('"emulate.maxQueueBytes" must be an integer >= 65536');
  const list = raw.peers ?? [];
  if (list.length > MAX_EMULATED_RULES) bad(`"emulate.peers" lists at most ${MAX_EMULATED_RULES} peers`);
  const seen = new Set<string>();
  const peers = list.map((r, i) => {
    const where = `emulate.peers[${i}]`;
    const { peer, ...link } = r;
    if (peer === undefined || !(isNodeAddress(peer) || isHost(peer))) bad(`"${where}.peer" must be a node's host:port or a host (got ${JSON.stringify(peer)?.slice(0, 80)})`);
    if (seen.has(peer)) bad(`"${where}.peer" names ${peer} twice`);
    seen.add(peer);
    return { peer, link: linkProfile(link, where) };
  });
  const fallback = raw.default === undefined ? undefined : linkProfile(raw.default, 'emulate.default');
  if (peers.length === 0 && !fallback) return undefined;
  return { seed, maxQueueBytes, peers, ...(fallback && { default: fallback }) };
}

/** A link's profile, each key checked: delay and jitter 0..10 s, loss 0..1 (below 1), rate 0 (no limit) or >= 8 kbit/s. */
function linkProfile(r: RawLink, where: string): LinkProfile {
  const p = { delayMs: r.delayMs ?? 0, jitterMs: r.jitterMs ?? 0, loss: r.loss ?? 0, rateKbps: r.rateKbps ?? 0 };
  for (const k of ['delayMs', 'jitterMs'] as const) {
    if (!(p[k] >= 0 && p[k] <= MAX_EMULATED_DELAY_MS)) bad(`"${where}.${k}" must be 0..${MAX_EMULATED_DELAY_MS} ms (got ${JSON.stringify(p[k])})`);
  }
  if (!(p.loss >= 0 && p.loss < 1)) bad(`"${where}.loss" must be a probability, 0 <= loss < 1 (got ${JSON.stringify(p.loss)})`);
  if (!(p.rateKbps === 0 || (p.rateKbps >= 8 && p.rateKbps <= 1e8))) bad(`"${where}.rateKbps" must be 0 (no limit) or 8..100000000 kbit/s (got ${JSON.stringify(p.rateKbps)})`);
  return p;
}

/** The section as a config file holds it; `emulateConfig` accepts it back. */
export function emulateConfigJson(c: EmulatorConfig): RawEmulateConfig {
  return { seed: c.seed, maxQueueBytes: c.maxQueueBytes, ...(c.default && { default: c.default }), peers: c.peers.map((r) => ({ peer: r.peer, ...r.link })) };
}

/** The emulated links in a log line's fields: every rule and its link, and the seed. */
export function emulateLogFields(c: EmulatorConfig): Record<string, unknown> {
  const links = Object.fromEntries([...c.peers.map((r): [string, LinkProfile] => [r.peer, r.link]), ...(c.default ? [['default', c.default] as [string, LinkProfile]] : [])]);
  return { seed: c.seed, maxQueueBytes: c.maxQueueBytes, links };
}
