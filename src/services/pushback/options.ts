/** Options of the pushback module, and their defaults. */

import type { ForwardOptions } from '../forward/forward.ts';
import type { CongestionThresholds } from './congestion-watch.ts';
import type { LimitSettings } from './source-limit.ts';

/**
 * How an SCX combines its branches' rates for a source: `slowest` tells upstream the slowest branch's rate (the
 * source slows to it, every receiver gets everything: reliable or bulk data); `per-branch` tells upstream the
 * fastest branch's rate (a slow branch sheds by its queue's drop policy and never slows a fast one: media).
 */
export type PushbackPolicy = 'slowest' | 'per-branch';

/** Options of the pushback module. */
export interface PushbackOptions {
  /** How branches combine (default `slowest`). */
  readonly policy?: PushbackPolicy;
  /** A downstream link's queue delay over this is congestion, ms (default 100). */
  readonly delayMs?: number;
  /** ... once it lasts this long, ms (default 200). */
  readonly holdMs?: number;
  /** How often the module looks at its links while it tracks a source, ms (default 50). */
  readonly checkMs?: number;
  /** Least time between two notices about one source to its upstream (or to its sender client), ms (default 200). */
  readonly noticeMs?: number;
  /** A branch's notice counts this long unless it is repeated, ms (default 600). */
  readonly noticeHoldMs?: number;
  /** At the source SCX: the limit after a notice, as a fraction of the notified rate (default 0.9). */
  readonly backoff?: number;
  /** At the source SCX: without a notice this long, the limit grows by one step each this long, ms (default 500). */
  readonly probeMs?: number;
  /** At the source SCX: one probe step, as a fraction of the limit (default 0.05). */
  readonly probeGain?: number;
  /** At the source SCX: without a notice this long the limit is lifted, ms (default 10000). */
  readonly liftMs?: number;
  /** The lowest limit a notice can set, bytes/s (default 1024). */
  readonly minRate?: number;
  /** At the source SCX: most bytes of the local source held for pacing; more are dropped as `overflow`, bytes (default 262144). */
  readonly pacerBytes?: number;
  /** At the source SCX: the pacer's largest burst, ms of the limit (default 20). */
  readonly burstMs?: number;
  /** Most local sender clients told about one source's limit, clients (default 16). */
  readonly maxClients?: number;
  /** Options of the forward module inside (its `maxSources` and `sourceIdleMs` also bound this module's state). */
  readonly forward?: ForwardOptions;
}

/** Every option, defaults applied. */
export interface PushbackSettings extends CongestionThresholds, LimitSettings {
  readonly policy: PushbackPolicy;
  readonly checkMs: number;
  readonly noticeMs: number;
  readonly noticeHoldMs: number;
  readonly pacerBytes: number;
  readonly burstMs: number;
  readonly maxClients: number;
  readonly maxSources: number;
  readonly sourceIdleMs: number;
}

/** The settings of `o`. Throws RangeError on a value out of range. */
export function pushbackSettings(o: PushbackOptions): PushbackSettings {
  const s: PushbackSettings = {
    policy: o.policy ?? 'slowest',
    delayMs: o.delayMs ?? 100,
    holdMs: o.holdMs ?? 200,
    checkMs: o.checkMs ?? 50,
    noticeMs: o.noticeMs ?? 200,
    noticeHoldMs: o.noticeHoldMs ?? 600,
    backoff: o.backoff ?? 0.9,
    probeMs: o.probeMs ?? 500,
    probeGain: o.probeGain ?? 0.05,
    liftMs: o.liftMs ?? 10_000,
    minRate: o.minRate ?? 1024,
    pacerBytes: o.pacerBytes ?? 256 * 1024,
    burstMs: o.burstMs ?? 20,
    maxClients: o.maxClients ?? 16,
    maxSources: o.forward?.maxSources ?? 1024,
    sourceIdleMs: o.forward?.sourceIdleMs ?? 60_000,
  };
  if (s.policy !== 'slowest' && s.policy !== 'per-branch') throw new RangeError(`pushback policy ${String(s.policy)}`);
  if (!(s.backoff > 0 && s.backoff <= 1)) throw new RangeError(`pushback backoff ${s.backoff} not in (0, 1]`);
  for (const k of ['delayMs', 'holdMs', 'checkMs', 'noticeMs', 'noticeHoldMs', 'probeMs', 'liftMs', 'minRate', 'pacerBytes', 'burstMs', 'maxClients'] as const) {
    if (!(s[k] >= 0) || (k === 'checkMs' && s[k] === 0)) throw new RangeError(`pushback ${k} ${s[k]} out of range`);
  }
  return s;
}
