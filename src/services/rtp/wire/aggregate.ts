/**
 * The subtree aggregate an SCX sends upstream (paper 5.1): an RTCP compound `RR(reporter, 1 block) + APP "SCAG"`.
 * The RR's one block is the reporter's own reception of the media source (the link above it, which the SCX above
 * decides on); the APP carries what every receiver below and including the reporter saw in the last interval,
 * combined so that loss adds up (lost and expected packets summed, never fractions averaged). See docs/wire.md.
 */

import { ByteReader, ByteWriter } from '../../../core/bytes.ts';
import { ok, refused, WireCode, type Decoded } from '../../../core/decoded.ts';
import type { ReportBlockFields } from './reception.ts';
import { decodeRtcp, encodeRtcp, type ReportBlock, type RtcpApp } from './rtcp.ts';

/** The APP packet's name. */
export const AGGREGATE_APP_NAME = 'SCAG';

/** The APP packet's subtype: layout version 0. */
export const AGGREGATE_APP_SUBTYPE = 0;

/** Bytes of the APP packet's data: seven 32-bit fields. */
export const AGGREGATE_DATA_BYTES = 28;

/** What a subtree's receivers saw of one media source in one report interval. */
export interface SubtreeReport {
  /** Receivers counted, u32. */
  readonly receivers: number;
  /** Packets expected in the interval, summed over receivers, u32. */
  readonly expected: number;
  /** Packets lost in the interval, summed (each receiver's at least 0), u32, at most `expected`. */
  readonly lost: number;
  /** Cumulative losses, summed, signed 32-bit. */
  readonly cumulativeLost: number;
  /** Highest extended seq any receiver got, u32. */
  readonly highestSeq: number;
  /** Worst jitter of a receiver, RTP ticks, u32. */
  readonly jitterWorst: number;
  /** Mean jitter over the receivers, RTP ticks, rounded, u32, at most `jitterWorst`. */
  readonly jitterMean: number;
}

/** One SCX's aggregate report about one media source. */
export interface Aggregate {
  /** The reporting SCX's SSRC. */
  readonly reporterSsrc: number;
  /** The media source reported on. */
  readonly mediaSsrc: number;
  /** The reporter's own reception of the media source: the link above it. */
  readonly own: ReportBlock;
  /** Everything below and including the reporter. */
  readonly subtree: SubtreeReport;
}

/** The report of one receiver from its reception statistics (a negative interval loss, from duplicates, counts as 0). */
export function subtreeOf(own: ReportBlockFields): SubtreeReport {
  const lost = Math.min(Math.max(0, own.lostInterval), own.expectedInterval);
  const expected = Math.max(0, own.expectedInterval);
  return { receivers: 1, expected, lost, cumulativeLost: own.cumulativeLost, highestSeq: own.highestSeq, jitterWorst: own.jitter, jitterMean: own.jitter };
}

/** The report block about `mediaSsrc` made of reception statistics. */
export function reportBlockOf(own: ReportBlockFields, mediaSsrc: number): ReportBlock {
  const { fractionLost, cumulativeLost, highestSeq, jitter, lsr, dlsr } = own;
  return { ssrc: mediaSsrc, fractionLost, cumulativeLost, highestSeq, jitter, lsr, dlsr };
}

/**
 * The union of subtrees: counts summed, the highest seq and worst jitter the largest, the mean jitter weighted by
 * receivers (rounded); undefined for none. Sums past u32 (or i32) saturate.
 */
export function combineReports(reports: readonly SubtreeReport[]): SubtreeReport | undefined {
  if (reports.length === 0) return undefined;
  let receivers = 0;
  let expected = 0;
  let lost = 0;
  let cumulativeLost = 0;
  let highestSeq = 0;
  let jitterWorst = 0;
  let jitterSum = 0;
  for (const r of reports) {
    receivers += r.receivers;
    expected += r.expected;
    lost += r.lost;
    cumulativeLost += r.cumulativeLost;
    highestSeq = Math.max(highestSeq, r.highestSeq);
    jitterWorst = Math.max(jitterWorst, r.jitterWorst);
    jitterSum += r.jitterMean * r.receivers;
  }
  const u32 = (v: number): number => Math.min(v, 0xffffffff);
  return {
    receivers: u32(receivers),
    expected: u32(expected),
    lost: Math.min(u32(lost), u32(expected)),
    cumulativeLost: Math.max(-0x80000000, Math.min(0x7fffffff, cumulativeLost)),
    highestSeq,
    jitterWorst,
    jitterMean: receivers === 0 ? 0 : Math.min(jitterWorst, Math.round(jitterSum / receivers)),
  };
}

/** The fraction of expected packets lost in the interval, 0..1 (0 when none were expected). */
export function fractionLostOf(r: SubtreeReport): number {
  return r.expected === 0 ? 0 : Math.min(1, Math.max(0, r.lost) / r.expected);
}

/** Encodes the aggregate as RR + APP "SCAG"; throws RangeError on a field out of range, lost over expected, mean jitter over worst, or an own block about another source. */
export function encodeAggregate(a: Aggregate): Buffer {
  const s = a.subtree;
  if (s.lost > s.expected || s.jitterMean > s.jitterWorst) throw new RangeError('subtree lost over expected, or mean jitter over worst');
  if (a.own.ssrc !== a.mediaSsrc) throw new RangeError('the own report block must be about the media source');
  if (!Number.isInteger(s.cumulativeLost) || s.cumulativeLost < -0x80000000 || s.cumulativeLost > 0x7fffffff) {
    throw new RangeError(`subtree cumulative lost ${s.cumulativeLost} is not a signed 32-bit integer`);
  }
  const w = new ByteWriter(AGGREGATE_DATA_BYTES);
  for (const v of [s.receivers, s.expected, s.lost, s.cumulativeLost >>> 0, s.highestSeq, s.jitterWorst, s.jitterMean]) w.u32(v);
  const app: RtcpApp = { type: 'APP', subtype: AGGREGATE_APP_SUBTYPE, ssrc: a.reporterSsrc, name: AGGREGATE_APP_NAME, data: w.finish() };
  return encodeRtcp([{ type: 'RR', ssrc: a.reporterSsrc, reports: [a.own] }, app]);
}

/**
 * Decodes an aggregate. Never throws: RTCP refusals keep their code; a compound that is not exactly RR (one block)
 * then APP "SCAG" subtype 0 from the same SSRC is ERR_WIRE_UNKNOWN_TYPE (the RR alone: ERR_WIRE_TRUNCATED); APP data
 * of another size, lost over expected or mean jitter over worst is ERR_WIRE_RANGE.
 */
export function decodeAggregate(bytes: Uint8Array): Decoded<Aggregate> {
  const compound = decodeRtcp(bytes);
  if (!compound.ok) return compound;
  const [rr, app, ...more] = compound.value;
  if (rr?.type !== 'RR' || rr.reports.length !== 1) return refused(WireCode.UNKNOWN_TYPE, 'aggregate: not an RR with one report block');
  if (app === undefined) return refused(WireCode.TRUNCATED, 'aggregate: the APP SCAG packet is missing');
  if (app.type !== 'APP' || app.name !== AGGREGATE_APP_NAME || app.subtype !== AGGREGATE_APP_SUBTYPE || app.ssrc !== rr.ssrc || more.length > 0) {
    return refused(WireCode.UNKNOWN_TYPE, 'aggregate: not RR then APP SCAG subtype 0 from the same SSRC, alone');
  }
  if (app.data.length !== AGGREGATE_DATA_BYTES) return refused(WireCode.RANGE, `aggregate: SCAG data of ${app.data.length} bytes, not ${AGGREGATE_DATA_BYTES}`);
  const r = new ByteReader(app.data);
  const subtree: SubtreeReport = {
    receivers: r.u32(),
    expected: r.u32(),
    lost: r.u32(),
    cumulativeLost: r.u32() | 0,
    highestSeq: r.u32(),
    jitterWorst: r.u32(),
    jitterMean: r.u32(),
  };
  if (subtree.lost > subtree.expected || subtree.jitterMean > subtree.jitterWorst) {
    return refused(WireCode.RANGE, 'aggregate: lost over expected, or mean jitter over worst');
  }
  const own = rr.reports[0]!;
  return ok({ reporterSsrc: rr.ssrc, mediaSsrc: own.ssrc, own, subtree });
}
