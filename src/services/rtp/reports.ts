/**
 * RTCP aggregation (paper 5.1): every SCX measures the RTP it receives of a source (per SSRC, RFC 3550 A.1-A.8) and,
 * every report interval, sends its upstream one aggregate: its own report block about the SSRC it heard last (the
 * hop into it) and its subtree, combined from its own reception and the latest fresh aggregate of each downstream
 * link (loss summed as packets, never fractions averaged). The source SCX keeps the root's: itself counted as a
 * receiver with nothing expected (nothing is lost before the first hop), plus every subtree below.
 */

import type { Millis } from '../../core/time.ts';
import type { ChannelContext } from '../../transport/service-module.ts';
import type { RtpSettings } from './options.ts';
import type { RtpStats } from './stats.ts';
import { ssrcOf } from './stream-names.ts';
import type { Reception, TreeState } from './tree-state.ts';
import { combineReports, encodeAggregate, fractionLostOf, reportBlockOf, subtreeOf, type SubtreeReport } from './wire/aggregate.ts';
import { RTP_CLOCK_HZ } from './wire/mpa.ts';
import { ReceptionStats } from './wire/reception.ts';
import type { RtcpSenderReport } from './wire/rtcp.ts';
import type { RtpPacket } from './wire/rtp-packet.ts';

/** The source SCX in its own root aggregate: a receiver (its local listeners) that expects no loss. */
const SOURCE_SELF: SubtreeReport = { receivers: 1, expected: 0, lost: 0, cumulativeLost: 0, highestSeq: 0, jitterWorst: 0, jitterMean: 0 };

/** RTP ticks per ms. */
const TICKS_PER_MS = RTP_CLOCK_HZ / 1000;

/** The root aggregate of a source's tree, as the station reads it. */
export interface RootReport {
  /** Receiving SCXs in the tree, the source SCX included. */
  readonly receivers: number;
  /** Packets lost over packets expected in the last interval, all receivers together, 0..1. */
  readonly fractionLost: number;
  /** Worst and mean interarrival jitter of the receivers, ms. */
  readonly jitterWorstMs: number;
  readonly jitterMeanMs: number;
  /** When it was combined, ms (the module's clock). */
  readonly atMs: Millis;
  /** The aggregate itself (packet counts, highest seq, cumulative loss, jitter in 90 kHz ticks). */
  readonly subtree: SubtreeReport;
}

/** The reception measurements and reports of one module. */
export class Reports {
  /** This SCX's SSRC as a reporter. */
  readonly reporterSsrc: number;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly s: RtpSettings,
    private readonly stats: RtpStats,
  ) {
    this.reporterSsrc = ssrcOf(`scx/${ctx.self}`);
  }

  /** Measures one RTP packet received (SSRCs past `maxSsrcs`: the least recently heard is forgotten). */
  onRtp(tree: TreeState, rtp: RtpPacket, now: Millis): void {
    let r = tree.reception.get(rtp.ssrc);
    if (!r) {
      if (tree.reception.size >= this.s.maxSsrcs) tree.reception.delete(leastRecent(tree.reception) as number);
      r = { stats: new ReceptionStats(), lastMs: now, lastFraction: 0 };
      tree.reception.set(rtp.ssrc, r);
    }
    r.lastMs = now;
    r.stats.onRtp(rtp.seq, rtp.timestamp, now);
  }

  /** Notes an SR of a measured SSRC, for the LSR and DLSR of the next report block. */
  onSenderReport(tree: TreeState, sr: RtcpSenderReport, now: Millis): void {
    tree.reception.get(sr.ssrc)?.stats.onSenderReport(sr.ntpSec, sr.ntpFrac, now);
  }

  /** The report of one interval: at the source SCX the root is kept; elsewhere the aggregate goes upstream. */
  report(tree: TreeState, now: Millis): void {
    const below = [...tree.children.values()].map((c) => c.aggregate.subtree);
    if (tree.source === this.ctx.self) {
      tree.subtree = combineReports([SOURCE_SELF, ...below]);
      tree.subtreeAtMs = now;
      return;
    }
    const heard = lastHeard(tree.reception, now - this.s.staleAfterIntervals * this.s.reportIntervalMs);
    if (!heard) return;
    const [ssrc, r] = heard;
    const fields = r.stats.report(now);
    r.lastFraction = fields.fractionLost / 256;
    const subtree = combineReports([subtreeOf(fields), ...below]) as SubtreeReport;
    tree.subtree = subtree;
    tree.subtreeAtMs = now;
    const up = this.ctx.upstream(tree.source);
    if (up === undefined) return;
    this.ctx.sendControl(up, encodeAggregate({ reporterSsrc: this.reporterSsrc, mediaSsrc: ssrc, own: reportBlockOf(fields, ssrc), subtree }));
    this.stats.aggregatesOut++;
  }

  /**
   * The loss on the hop into a downstream SCX, 0..1, from its own loss of `ssrc` (0..1), which counts every hop from
   * where the stream was made: its loss over what this SCX lost of it in its last interval. Nothing is lost here of a
   * stream this SCX makes or of its own local source, so there the child's loss is the hop's. The two intervals are
   * not aligned: the estimate is noisy, never negative.
   */
  hopLoss(tree: TreeState, ssrc: number, childLoss: number): number {
    const here = tree.source === this.ctx.self ? 0 : (tree.reception.get(ssrc)?.lastFraction ?? 0);
    return here >= 1 ? 0 : Math.max(0, 1 - (1 - childLoss) / (1 - here));
  }

  /** The tree's last subtree aggregate as the station reads it. */
  view(tree: TreeState): RootReport | undefined {
    const a = tree.subtree;
    if (!a) return undefined;
    return {
      receivers: a.receivers,
      fractionLost: fractionLostOf(a),
      jitterWorstMs: a.jitterWorst / TICKS_PER_MS,
      jitterMeanMs: a.jitterMean / TICKS_PER_MS,
      atMs: tree.subtreeAtMs,
      subtree: a,
    };
  }
}

/** The SSRC heard least recently. */
function leastRecent(reception: ReadonlyMap<number, Reception>): number | undefined {
  let out: number | undefined;
  let at = Infinity;
  for (const [ssrc, r] of reception) if (r.lastMs < at) [out, at] = [ssrc, r.lastMs];
  return out;
}

/** The SSRC heard last, if after `since`. */
function lastHeard(reception: ReadonlyMap<number, Reception>, since: Millis): [number, Reception] | undefined {
  let out: [number, Reception] | undefined;
  for (const e of reception) if (e[1].lastMs > since && (!out || e[1].lastMs > out[1].lastMs)) out = e;
  return out;
}
