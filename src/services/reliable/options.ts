import type { ForwardOptions } from '../forward/forward.ts';

/** Options of the reliable module. */
export interface ReliableOptions {
  /** Most packets of one source kept in the repair cache, packets (default 1024). */
  readonly cachePackets?: number;
  /** Longest a packet stays in the repair cache, ms (default 10000). */
  readonly cacheMs?: number;
  /** Wait between seeing a gap and NACKing it, ms; deterministic, lets reordered packets and upstream NACKs go first (default 10). */
  readonly nackDelayMs?: number;
  /** Wait for a repair before NACKing again, ms; doubles after each NACK of the same packet, up to `retryMaxMs` (default 200). */
  readonly retryMs?: number;
  /** Longest wait for a repair before NACKing again, ms (default 1000). */
  readonly retryMaxMs?: number;
  /** Most NACKs this SCX sends for one missing packet of its own before giving it up and reporting it, count (default 12: the gap is given up 10.4 s after it was found, once caches have forgotten it at `cacheMs`). */
  readonly maxNacks?: number;
  /** A NACK from a link that was sent a repair of the same packet this recently is ignored (it crossed the repair), ms; 0: never (default 100). */
  readonly nackEliminateMs?: number;
  /** How long a downstream link's soft state (it asked for a packet) lasts without a repair, ms (default 2000). */
  readonly stateMs?: number;
  /** Most packets of one source held back for in-order delivery behind gaps, packets (default 4096). */
  readonly maxHeld?: number;
  /** Largest jump forward in a source's numbering taken as a gap to repair, packets; beyond: a restart (default 4096). */
  readonly maxGapPackets?: number;
  /** Most repair requests open for one source, and most given-up seqs waiting for delivery to pass them, sequence numbers (default 8192). */
  readonly maxRequests?: number;
  /** Most sources tracked at once (cache, requests, delivery order); one more is delivered unrepaired and counted in `sourcesRefused`, sources (default 1024). */
  readonly maxSources?: number;
  /** A source's state (its repair cache too) is forgotten after this long without a packet and with no request open, at the next upcall, ms (default 60000). */
  readonly sourceIdleMs?: number;
  /** Most NACK, SPM and UNAVAILABLE messages taken from one link per second, also its largest burst; more are ignored and counted in `nacksRateLimited`, messages/s (default 1000). */
  readonly maxNacksPerSecond?: number;
  /** The source SCX sends an SPM after this long without a packet of a source, then again after doubling waits, ms (default 100). */
  readonly spmIdleMs?: number;
  /** Longest wait between two SPMs of an idle source (the doubling stops there), ms (default 2000). */
  readonly spmMaxMs?: number;
  /** Options of the forwarding part (the forward module inside); its `maxSources` and `sourceIdleMs` default to the ones above. */
  readonly forward?: ForwardOptions;
  /** Called with each repair of a gap of this SCX's own: ms from finding the gap to the packet's arrival (measurement hook). */
  readonly onRepair?: (latencyMs: number) => void;
}

/** The options with every default filled in. */
export type ReliableSettings = Required<Omit<ReliableOptions, 'forward' | 'onRepair'>>;

/** Fills in the defaults. */
export function reliableSettings(o: ReliableOptions = {}): ReliableSettings {
  return {
    cachePackets: o.cachePackets ?? 1024,
    cacheMs: o.cacheMs ?? 10_000,
    nackDelayMs: o.nackDelayMs ?? 10,
    retryMs: o.retryMs ?? 200,
    retryMaxMs: o.retryMaxMs ?? 1000,
    maxNacks: o.maxNacks ?? 12,
    nackEliminateMs: o.nackEliminateMs ?? 100,
    stateMs: o.stateMs ?? 2000,
    maxHeld: o.maxHeld ?? 4096,
    maxGapPackets: o.maxGapPackets ?? 4096,
    maxRequests: o.maxRequests ?? 8192,
    maxSources: o.maxSources ?? 1024,
    sourceIdleMs: o.sourceIdleMs ?? 60_000,
    maxNacksPerSecond: o.maxNacksPerSecond ?? 1000,
    spmIdleMs: o.spmIdleMs ?? 100,
    spmMaxMs: o.spmMaxMs ?? 2000,
  };
}
