import type { ForwardOptions } from '../forward/forward.ts';

/** Options of the reliable module. */
export interface ReliableOptions {
  /** Most packets of one source kept in the repair cache, packets (default 1024). */
  readonly cachePackets?: number;
  /** Longest a packet stays in the repair cache, ms (default 10000). */
  readonly cacheMs?: number;
  /** Wait between seeing a gap and NACKing it, ms; deterministic, lets reordered packets and upstream NACKs go first (default 10). */
  readonly nackDelayMs?: number;
  /** Wait for a repair before NACKing again, ms; doubles after each NACK of the same packet (default 200). */
  readonly retryMs?: number;
  /** Most NACKs this SCX sends for one missing packet of its own before giving it up, count (default 5). */
  readonly maxNacks?: number;
  /** How long a downstream link's soft state (it asked for a packet) lasts without a repair, ms (default 2000). */
  readonly stateMs?: number;
  /** Most packets of one source held back for in-order delivery behind gaps, packets (default 4096). */
  readonly maxHeld?: number;
  /** Largest jump forward in a source's numbering taken as a gap to repair, packets; beyond: a restart (default 4096). */
  readonly maxGapPackets?: number;
  /** Most repair requests open for one source, sequence numbers (default 8192). */
  readonly maxRequests?: number;
  /** Options of the forwarding part (the forward module inside). */
  readonly forward?: ForwardOptions;
}

/** The options with every default filled in. */
export type ReliableSettings = Required<Omit<ReliableOptions, 'forward'>>;

/** Fills in the defaults. */
export function reliableSettings(o: ReliableOptions = {}): ReliableSettings {
  return {
    cachePackets: o.cachePackets ?? 1024,
    cacheMs: o.cacheMs ?? 10_000,
    nackDelayMs: o.nackDelayMs ?? 10,
    retryMs: o.retryMs ?? 200,
    maxNacks: o.maxNacks ?? 5,
    stateMs: o.stateMs ?? 2000,
    maxHeld: o.maxHeld ?? 4096,
    maxGapPackets: o.maxGapPackets ?? 4096,
    maxRequests: o.maxRequests ?? 8192,
  };
}
