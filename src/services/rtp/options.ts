/** Options of the `rtp` service module, and their defaults. */

import type { TranscoderFactory } from './transcoder.ts';

/** Options of the rtp module. */
export interface RtpOptions {
  /** How often each SCX sends its aggregate receiver report upstream, per source, ms (default 1000). */
  readonly reportIntervalMs?: number;
  /** A downstream link's aggregate counts this many report intervals after it came; older ones are forgotten, intervals (default 3). */
  readonly staleAfterIntervals?: number;
  /** A downstream link whose own loss (the hop into it) is above this, in `adaptAfterReports` reports in a row, steps down one tier, fraction (default 0.05). */
  readonly adaptLossThreshold?: number;
  /** Reports in a row above `adaptLossThreshold` that step a link down, reports (default 2). */
  readonly adaptAfterReports?: number;
  /** A link whose own loss is below this, in `recoverAfterReports` reports in a row, steps up one tier, fraction (default 0.01). */
  readonly recoverLossThreshold?: number;
  /** Reports in a row below `recoverLossThreshold` that step a link up, reports (default 10). */
  readonly recoverAfterReports?: number;
  /** The bitrate tiers, kbit/s, highest first; index 0 names the original stream (default [128, 64, 32]). */
  readonly tiersKbps?: readonly number[];
  /** Makes the transcoders of the lower tiers; without one adaptation is off (counted in `adaptationOff`). */
  readonly transcoders?: TranscoderFactory;
  /** How often open transcoders are polled for output, ms (default 20). */
  readonly pollMs?: number;
  /** Largest RTP payload of a transcoded stream's packets (MPA header included), bytes (default 1200). */
  readonly maxPayloadBytes?: number;
  /** A link that leaves a source's tree, or a previous upstream, is still served (accepted) this long, ms (default 2000). */
  readonly handoverMs?: number;
  /** Sequence numbers remembered per stream to drop duplicates (older ones are dropped as stale), a power of two, packets (default 1024). */
  readonly dedupWindow?: number;
  /** Most sources (source SCXs) tracked at once; a packet of one more is dropped as `overflow`, sources (default 64). */
  readonly maxSources?: number;
  /** Most streams (data-header `source` names: the original and its tiers) tracked per source, streams (default 8). */
  readonly maxStreams?: number;
  /** Most RTP SSRCs whose reception is measured per source, the least recently heard forgotten first, SSRCs (default 8). */
  readonly maxSsrcs?: number;
  /** A source, a stream or an SSRC is forgotten this long after its last packet, ms (default 60000). */
  readonly sourceIdleMs?: number;
  /** Packets queued per link before the oldest audio is dropped, bytes (default 65536: about 4 s at 128 kbit/s). */
  readonly maxQueueBytes?: number;
}

/** Every option but the factory, defaults applied. */
export type RtpSettings = Required<Omit<RtpOptions, 'transcoders'>>;

/** The settings of `o`. Throws RangeError on a value out of range. */
export function rtpSettings(o: RtpOptions = {}): RtpSettings {
  const s: RtpSettings = {
    reportIntervalMs: o.reportIntervalMs ?? 1000,
    staleAfterIntervals: o.staleAfterIntervals ?? 3,
    adaptLossThreshold: o.adaptLossThreshold ?? 0.05,
    adaptAfterReports: o.adaptAfterReports ?? 2,
    recoverLossThreshold: o.recoverLossThreshold ?? 0.01,
    recoverAfterReports: o.recoverAfterReports ?? 10,
    tiersKbps: o.tiersKbps ?? [128, 64, 32],
    pollMs: o.pollMs ?? 20,
    maxPayloadBytes: o.maxPayloadBytes ?? 1200,
    handoverMs: o.handoverMs ?? 2000,
    dedupWindow: o.dedupWindow ?? 1024,
    maxSources: o.maxSources ?? 64,
    maxStreams: o.maxStreams ?? 8,
    maxSsrcs: o.maxSsrcs ?? 8,
    sourceIdleMs: o.sourceIdleMs ?? 60_000,
    maxQueueBytes: o.maxQueueBytes ?? 64 * 1024,
  };
  const positive = [
    ...(['reportIntervalMs', 'staleAfterIntervals', 'adaptAfterReports', 'recoverAfterReports', 'pollMs'] as const),
    ...(['maxSources', 'maxStreams', 'maxSsrcs', 'sourceIdleMs', 'maxQueueBytes'] as const),
  ];
  for (const k of positive) if (!(Number.isFinite(s[k]) && s[k] > 0)) throw new RangeError(`rtp ${k} ${s[k]} must be positive`);
  if (!(s.handoverMs >= 0)) throw new RangeError(`rtp handoverMs ${s.handoverMs} must be >= 0`);
  if (!(Number.isInteger(s.dedupWindow) && s.dedupWindow >= 32 && s.dedupWindow <= 65536 && (s.dedupWindow & (s.dedupWindow - 1)) === 0)) {
    throw new RangeError(`rtp dedupWindow ${s.dedupWindow}: a power of two in 32..65536`);
  }
  if (!(s.maxPayloadBytes >= 64 && s.maxPayloadBytes <= 65000)) throw new RangeError(`rtp maxPayloadBytes ${s.maxPayloadBytes} not in 64..65000`);
  if (!(s.adaptLossThreshold > 0 && s.adaptLossThreshold < 1)) throw new RangeError(`rtp adaptLossThreshold ${s.adaptLossThreshold} not in (0, 1)`);
  if (!(s.recoverLossThreshold >= 0 && s.recoverLossThreshold <= s.adaptLossThreshold)) {
    throw new RangeError(`rtp recoverLossThreshold ${s.recoverLossThreshold} not in [0, adaptLossThreshold]`);
  }
  const t = s.tiersKbps;
  if (t.length < 1 || t.length > 8 || t.some((k, i) => !Number.isInteger(k) || k < 8 || k > 320 || (i > 0 && k >= (t[i - 1] as number)))) {
    throw new RangeError(`rtp tiersKbps [${t.join(', ')}]: 1..8 integers in 8..320, falling`);
  }
  return s;
}
