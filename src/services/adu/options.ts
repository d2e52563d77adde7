import type { ForwardOptions } from '../forward/forward.ts';

/** Whether a slide is on some screen below (high) or not (low), paper 6.6.2. */
export type InterestLevel = 'high' | 'low';

/** Options of the adu module. */
export interface AduOptions {
  /** Bytes of reliable fragments kept for repair, all sources together; superseded versions go first (default 64 MiB). */
  readonly cacheBytes?: number;
  /** Bytes of partial ADUs held for local delivery (default 16 MiB). */
  readonly assemblyBytes?: number;
  /** Wait between finding a gap on a high-interest slide and NACKing it, ms (default 5). */
  readonly nackDelayHighMs?: number;
  /** Wait between finding a gap on a low-interest slide and NACKing it, ms (default 60). */
  readonly nackDelayLowMs?: number;
  /** Fragments of high-interest slides this SCX may NACK per second for itself, also the burst; more wait, fragments/s (default 4000). */
  readonly nackBudgetHigh?: number;
  /** Fragments of low-interest slides this SCX may NACK per second for itself, also the burst, fragments/s (default 500). */
  readonly nackBudgetLow?: number;
  /** Wait for a repair before NACKing again, ms; doubles up to `retryMaxMs` (default 200). */
  readonly retryMs?: number;
  /** Longest wait for a repair before NACKing again, ms (default 1000). */
  readonly retryMaxMs?: number;
  /** NACKs of one missing fragment before it is given up, count (default 12). */
  readonly maxNacks?: number;
  /** A NACK from a link sent a repair of the same fragment this recently is ignored (it crossed the repair), ms; 0: never (default 100). */
  readonly repairEliminateMs?: number;
  /** How long a downstream link's request lasts without a repair, ms (default 2000). */
  readonly stateMs?: number;
  /** Largest jump forward in a slide's numbering taken as gaps to repair, fragments; beyond: counted, not repaired (default 16384). */
  readonly maxGapFragments?: number;
  /** Repair requests open for one slide, at most (default 16384). */
  readonly maxRequests?: number;
  /** Repair requests open, all slides together, at most; gaps and NACKs past it are counted, not repaired (default 65536). */
  readonly maxOpenRequests?: number;
  /** Slides tracked (source, presentation, slide), at most; more are forwarded and delivered unrepaired, slides (default 4096). */
  readonly maxSlides?: number;
  /** The source SCX sends a SUMMARY down its tree this often while it has slides, ms (default 1000). */
  readonly summaryMs?: number;
  /** And this long after its last fresh reliable fragment (finds a lost tail soon), ms (default 50). */
  readonly summaryAfterDataMs?: number;
  /** A client's or link's interest lapses this long after its last report, ms (default 3000). */
  readonly interestTtlMs?: number;
  /** This SCX reports its aggregate interest upstream this often, and on change, ms (default 1000). */
  readonly interestRefreshMs?: number;
  /** Interest reporters (local clients and links) tracked, at most (default 4096). */
  readonly maxInterestOwners?: number;
  /** High slides listed over all interest reports held (clients' and links'), at most; a report past it is refused, slides (default 65536). */
  readonly maxInterestSlides?: number;
  /** Longest an ADU waits for the object its `after` names, ms; then it is delivered and counted (default 2000). */
  readonly afterHoldMs?: number;
  /** ADUs held by `after` at once, at most; one more releases the oldest (default 1024). */
  readonly maxAfterHeld?: number;
  /** Objects whose delivered version is remembered, at most; the oldest are forgotten (default 65536). */
  readonly maxObjects?: number;
  /** Fragments one downstream link may NACK here per second, also its burst; more are counted and ignored, fragments/s (default 16384). */
  readonly maxNackSeqsPerSecond?: number;
  /** Control messages taken from one link per second, also its burst; more are counted and ignored, messages/s (default 2000). */
  readonly maxControlPerSecond?: number;
  /** Options of the forwarding part (the forward module inside). */
  readonly forward?: ForwardOptions;
  /** Called with each repair of a gap of this SCX's own: ms from finding the gap to the fragment's arrival, the slide's interest here, the slide. */
  readonly onRepair?: (latencyMs: number, interest: InterestLevel, slide: number) => void;
}

/** The options with every default filled in. */
export type AduSettings = Required<Omit<AduOptions, 'forward' | 'onRepair'>>;

/** Fills in the defaults. */
export function aduSettings(o: AduOptions = {}): AduSettings {
  return {
    cacheBytes: o.cacheBytes ?? 64 * 1024 * 1024,
    assemblyBytes: o.assemblyBytes ?? 16 * 1024 * 1024,
    nackDelayHighMs: o.nackDelayHighMs ?? 5,
    nackDelayLowMs: o.nackDelayLowMs ?? 60,
    nackBudgetHigh: o.nackBudgetHigh ?? 4000,
    nackBudgetLow: o.nackBudgetLow ?? 500,
    retryMs: o.retryMs ?? 200,
    retryMaxMs: o.retryMaxMs ?? 1000,
    maxNacks: o.maxNacks ?? 12,
    repairEliminateMs: o.repairEliminateMs ?? 100,
    stateMs: o.stateMs ?? 2000,
    maxGapFragments: o.maxGapFragments ?? 16384,
    maxRequests: o.maxRequests ?? 16384,
    maxOpenRequests: o.maxOpenRequests ?? 65536,
    maxSlides: o.maxSlides ?? 4096,
    summaryMs: o.summaryMs ?? 1000,
    summaryAfterDataMs: o.summaryAfterDataMs ?? 50,
    interestTtlMs: o.interestTtlMs ?? 3000,
    interestRefreshMs: o.interestRefreshMs ?? 1000,
    maxInterestOwners: o.maxInterestOwners ?? 4096,
    maxInterestSlides: o.maxInterestSlides ?? 65536,
    afterHoldMs: o.afterHoldMs ?? 2000,
    maxAfterHeld: o.maxAfterHeld ?? 1024,
    maxObjects: o.maxObjects ?? 65536,
    maxNackSeqsPerSecond: o.maxNackSeqsPerSecond ?? 16384,
    maxControlPerSecond: o.maxControlPerSecond ?? 2000,
  };
}
