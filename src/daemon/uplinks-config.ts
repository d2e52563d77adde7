/**
 * The node config's `uplinks` section: the rate this node may send data to its peers at, and how sessions share it.
 * A paced uplink sends one packet at a time at its rate, choosing the next by hierarchical fair share across the
 * sessions and channels waiting on it (src/transport/link-share.ts); without it a link takes what its socket takes.
 *
 * ```json
 * { "uplinks": { "rateKbps": 10000, "peers": [{ "peer": "10.0.0.2:7400", "rateKbps": 2000 }],
 *                "sessions": [{ "session": "scast://alice/radio", "weight": 2 }] } }
 * ```
 */

import { ErrorCode, ScError } from '../core/errors.ts';
import { isNodeAddress } from '../net/address.ts';
import { parseSessionName } from '../session/name.ts';

/** A node's uplinks, validated. */
export interface UplinkConfig {
  /** Data rate to every peer not listed in `peers`, kbit/s (default: unpaced). */
  readonly rateKbps: number | undefined;
  /** Data rate to one peer, `{ peer: host:port, rateKbps }` (default: none). */
  readonly peers: ReadonlyArray<{ readonly peer: string; readonly rateKbps: number }>;
  /** A session's weight on shared uplinks, `{ session: scast://creator/name, weight }`, against 1 for others (default: none). */
  readonly sessions: ReadonlyArray<{ readonly session: string; readonly weight: number }>;
}

/** The `uplinks` keys a config file may hold and their JSON types. */
export const UPLINKS_CONFIG_SCHEMA = {
  rateKbps: 'number',
  peers: [{ peer: 'string', rateKbps: 'number' }],
  sessions: [{ session: 'string', weight: 'number' }],
} as const;

/** The raw section, types checked. */
export interface RawUplinks {
  readonly rateKbps?: number;
  readonly peers?: ReadonlyArray<{ readonly peer?: string; readonly rateKbps?: number }>;
  readonly sessions?: ReadonlyArray<{ readonly session?: string; readonly weight?: number }>;
}

function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

/** A rate of at least 8 kbit/s and at most 100 Gbit/s. */
function rate(where: string, kbps: number | undefined): number {
  if (!(typeof kbps === 'number' && kbps >= 8 && kbps <= 1e8)) bad(`"${where}" must be a rate in kbit/s from 8 to 100000000 (got ${JSON.stringify(kbps)})`);
  return kbps;
}

/** The section's values checked (ERR_CONFIG_INVALID naming the key); undefined when the section is absent. */
export function uplinkConfig(raw: RawUplinks | undefined): UplinkConfig | undefined {
  if (raw === undefined) return undefined;
  const peers = (raw.peers ?? []).map((p, i) => {
    if (p.peer === undefined || !isNodeAddress(p.peer)) bad(`"uplinks.peers[${i}].peer" must be a node address, host:port (got ${JSON.stringify(p.peer)})`);
    return { peer: p.peer, rateKbps: rate(`uplinks.peers[${i}].rateKbps`, p.rateKbps) };
  });
  if (new Set(peers.map((p) => p.peer)).size !== peers.length) bad('"uplinks.peers" lists a peer twice');
  const sessions = (raw.sessions ?? []).map((s, i) => {
    const name = s.session ?? '';
    try {
      parseSessionName(name);
    } catch {
      bad(`"uplinks.sessions[${i}].session" must be a session name, scast://creator/name (got ${JSON.stringify(s.session)})`);
    }
    if (!(typeof s.weight === 'number' && s.weight > 0 && s.weight <= 1000)) bad(`"uplinks.sessions[${i}].weight" must be a number in (0, 1000] (got ${JSON.stringify(s.weight)})`);
    return { session: name, weight: s.weight };
  });
  return { rateKbps: raw.rateKbps === undefined ? undefined : rate('uplinks.rateKbps', raw.rateKbps), peers, sessions };
}
