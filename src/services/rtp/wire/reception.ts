/**
 * Reception statistics of one RTP source at one receiver, as RFC 3550 appendix A computes them: sequence number
 * validity with probation, wrap and restart detection (A.1), loss (A.3) and interarrival jitter (A.8). What goes in
 * a report block about the source; constant space.
 */

import { RTP_CLOCK_HZ } from './mpa.ts';

/** Packets in a row (sequential seqs) before a new source counts (RFC 3550 A.1 MIN_SEQUENTIAL). */
const MIN_SEQUENTIAL = 2;

/** Largest forward jump, in seqs, still taken as loss rather than a restart (A.1 MAX_DROPOUT). */
const MAX_DROPOUT = 3000;

/** Largest backward step, in seqs, taken as a late or duplicate packet rather than a restart (A.1 MAX_MISORDER). */
const MAX_MISORDER = 100;

const SEQ_MOD = 0x10000;

/** What a receiver reports of a source: the fields of a report block but its SSRCs, and the interval's counts. */
export interface ReportBlockFields {
  /** Lost over expected packets since the previous report, x 256: 0..255 (0 when duplicates outnumber losses). */
  readonly fractionLost: number;
  /** Expected minus received packets since reception began, clamped to signed 24 bits. */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles x 65536 + seq), u32. */
  readonly highestSeq: number;
  /** Interarrival jitter, RTP timestamp ticks, rounded down. */
  readonly jitter: number;
  /** Packets expected since the previous report. */
  readonly expectedInterval: number;
  /** Packets lost since the previous report: expected minus received, negative when duplicates outnumber losses. */
  readonly lostInterval: number;
  /** Middle 32 bits of the last SR's NTP timestamp, 0 if none (or no `nowMs` given to report). */
  readonly lsr: number;
  /** Delay from that SR's arrival to the report, 1/65536 s, 0 if none. */
  readonly dlsr: number;
}

/** Options of ReceptionStats. */
export interface ReceptionOptions {
  /** The RTP clock of the source's payload, Hz (default 90,000: MPA). */
  readonly clockHz?: number;
}

/**
 * One source's reception (RFC 3550 A.1, A.3, A.8). Simplifications: the source is known by the caller (one instance
 * per SSRC); jitter is kept as a double, not scaled by 16; duplicates count as received, as in A.1, so losses can be
 * negative.
 */
export class ReceptionStats {
  private readonly ticksPerMs: number;
  private probation = MIN_SEQUENTIAL;
  private started = false;
  private maxSeq = 0;
  private baseSeq = 0;
  private badSeq = SEQ_MOD + 1;
  private cycles = 0;
  private received = 0;
  private receivedPrior = 0;
  private expectedPrior = 0;
  private jitter = 0;
  private lastArrivalMs: number | undefined;
  private lastTimestamp = 0;
  private lsr = 0;
  private srArrivalMs: number | undefined;

  constructor(options: ReceptionOptions = {}) {
    this.ticksPerMs = (options.clockHz ?? RTP_CLOCK_HZ) / 1000;
  }

  /** True once the source has passed probation (MIN_SEQUENTIAL packets in sequence). */
  get validated(): boolean {
    return this.probation === 0;
  }

  /** Takes one RTP packet's seq (u16), timestamp (u32) and arrival time (ms); returns whether it counted as received. */
  onRtp(seq: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
    }
    if (!this.updateSeq(seq & 0xffff)) return false;
    if (this.lastArrivalMs !== undefined) {
      const d = (arrivalMs - this.lastArrivalMs) * this.ticksPerMs - ((rtpTimestamp - this.lastTimestamp) | 0);
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.lastArrivalMs = arrivalMs;
    this.lastTimestamp = rtpTimestamp;
    return true;
  }

  /** Takes an SR from the source: its NTP timestamp (seconds, fraction x 2^32) and when it arrived, ms. */
  onSenderReport(ntpSec: number, ntpFrac: number, arrivalMs: number): void {
    this.lsr = (((ntpSec & 0xffff) << 16) | (ntpFrac >>> 16)) >>> 0;
    this.srArrivalMs = arrivalMs;
  }

  /** The report block's fields now, and starts a new interval; with `nowMs` (ms, the SR's clock), LSR and DLSR. */
  report(nowMs?: number): ReportBlockFields {
    const extended = this.cycles + this.maxSeq;
    const expected = this.probation === 0 ? extended - this.baseSeq + 1 : 0;
    const expectedInterval = expected - this.expectedPrior;
    const lostInterval = expectedInterval - (this.received - this.receivedPrior);
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    const sr = nowMs !== undefined && this.srArrivalMs !== undefined;
    return {
      fractionLost: fraction,
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, expected - this.received)),
      highestSeq: this.probation === 0 ? extended % 2 ** 32 : 0,
      jitter: Math.min(0xffffffff, Math.floor(this.jitter)),
      expectedInterval,
      lostInterval,
      lsr: sr ? this.lsr : 0,
      dlsr: sr ? Math.min(0xffffffff, Math.max(0, Math.round((nowMs - this.srArrivalMs!) * 65.536))) : 0,
    };
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
    this.lastArrivalMs = undefined;
  }

  /** RFC 3550 A.1 update_seq: whether the packet counts. */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
      this.initSeq(seq); // two packets in a row after a very large jump: the sender restarted
    }
    this.received++;
    return true;
  }
}
