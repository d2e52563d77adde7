/**
 * What a node grants strangers: every resource a message can make it spend has a bound here, a config key
 * (`limits.<name>`), and a `/metrics` counter of what it refused. The defaults leave room for a node hosting
 * hundreds of sessions on a busy cluster, and bound what a flood can take (see docs/security.md for the sums).
 * The bounds hold for authenticated peers too: a member may still misbehave.
 */

import { schemaOf } from '../core/config-check.ts';
import { ErrorCode, ScError } from '../core/errors.ts';

/** A node's limits; each field is the config key `limits.<field>`. */
export interface NodeLimits {
  /** Open TCP connections (control, data, client) from one remote IP address, at most (default 512). */
  readonly connectionsPerIp: number;
  /** Open TCP connections accepted in all, at most; each may buffer one partial frame of up to 70 KiB (default 2048). */
  readonly connectionsTotal: number;
  /** Accepted connections that have not yet sent their hello, at most (default 128). */
  readonly pendingHandshakes: number;
  /** How long an accepted connection has to send its hello before it is closed, ms (default 2000). */
  readonly helloDeadlineMs: number;
  /** Control bytes one peer may send a second (bursts up to twice that); frames beyond are dropped, bytes/s (default 1 MiB). */
  readonly controlBytesPerSecond: number;
  /** Sessions this node hosts at most; joins past it are refused (default 1024). */
  readonly sessionsPerNode: number;
  /** Sessions a frontend places on its cluster at most; asks past it are refused (default 4096). */
  readonly sessionsPerFrontend: number;
  /** Dashboard WebSocket clients (`/v1/live`) at once, at most (default 64). */
  readonly liveClients: number;
  /** Bytes queued to one `/v1/live` client before it is cut off as too slow, bytes (default 1 MiB). */
  readonly liveSendBufferBytes: number;
  /** New TCP dials and first probes a second to addresses never heard from, at most (default 20/s). */
  readonly unprovenDialsPerSecond: number;
}

/** The limits a node gets unless its config says otherwise. */
export const DEFAULT_NODE_LIMITS: NodeLimits = Object.freeze({
  connectionsPerIp: 512,
  connectionsTotal: 2048,
  pendingHandshakes: 128,
  helloDeadlineMs: 2000,
  controlBytesPerSecond: 1024 * 1024,
  sessionsPerNode: 1024,
  sessionsPerFrontend: 4096,
  liveClients: 64,
  liveSendBufferBytes: 1024 * 1024,
  unprovenDialsPerSecond: 20,
});

/** The config file's `limits` keys and their JSON types. */
export const NODE_LIMITS_SCHEMA = schemaOf(DEFAULT_NODE_LIMITS);

/** The defaults under the config's `limits` (types already checked); ScError(ERR_CONFIG_INVALID) for a value out of range. */
export function nodeLimits(raw: Partial<Record<keyof NodeLimits, number>> = {}): NodeLimits {
  const limits = { ...DEFAULT_NODE_LIMITS, ...raw };
  for (const [key, value] of Object.entries(limits)) {
    if (!(Number.isSafeInteger(value) && value >= 1)) {
      throw new ScError(ErrorCode.CONFIG_INVALID, `"limits.${key}" must be an integer >= 1 (got ${JSON.stringify(value)})`);
    }
  }
  return Object.freeze(limits);
}
