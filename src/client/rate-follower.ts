/**
 * A sender that follows its SCX's congestion notices (`scattercast send --rate auto`): the pushback module at the
 * source SCX sends CONGESTION(source, rate) on the client control path whenever the limit on this source moves
 * (rate in bytes/s of data packets, 0 once lifted). The follower turns it into packets/s and paces by credit.
 */

import { decodeCongestion } from '../services/pushback/notice.ts';

/** Bytes a data packet's header takes, near enough for pacing (session id, seq, timestamp, source ids). */
export const DATA_HEADER_ESTIMATE = 64;

/** Credit is capped at this much of the rate (and at least one packet), ms. */
const BURST_MS = 50;

/** Follows congestion notices and paces a sender by them. */
export class RateFollower {
  /** The SCX's limit, bytes/s; undefined while there is none. */
  limit: number | undefined;
  /** Notices taken so far, and control messages that were not notices. */
  notices = 0;
  ignored = 0;
  private credit = 1;
  private at: number | undefined;

  constructor(
    /** Bytes of one data packet on the wire (payload and header), to turn bytes/s into packets/s. */
    private readonly packetBytes: number,
    /** Packets/s the sender sends at without a limit; undefined: as fast as it can. */
    private readonly ceiling?: number,
  ) {
    if (!(packetBytes > 0)) throw new RangeError(`packetBytes ${packetBytes} must be positive`);
  }

  /** Takes a control message from the SCX: true when it was a congestion notice (the limit is updated). */
  onControl(data: Uint8Array): boolean {
    const notice = decodeCongestion(data);
    if (!notice.ok) {
      this.ignored++;
      return false;
    }
    this.notices++;
    this.limit = notice.value.rate === 0 ? undefined : notice.value.rate;
    return true;
  }

  /** Packets/s to send at now; undefined: as fast as the connection takes them. */
  get packetsPerSecond(): number | undefined {
    const limited = this.limit === undefined ? undefined : this.limit / this.packetBytes;
    if (limited === undefined) return this.ceiling;
    return this.ceiling === undefined ? limited : Math.min(limited, this.ceiling);
  }

  /** Whole packets that may be sent at `now` (ms, any monotonic clock); Infinity while unpaced. Call `took` after. */
  allowance(now: number): number {
    const rate = this.packetsPerSecond;
    if (rate === undefined) {
      this.at = now;
      return Infinity;
    }
    if (this.at !== undefined && now > this.at) this.credit = Math.min(Math.max(1, (rate * BURST_MS) / 1000), this.credit + ((now - this.at) * rate) / 1000);
    this.at = now;
    return Math.floor(this.credit);
  }

  /** `n` packets were sent (they spend credit). */
  took(n: number): void {
    if (this.packetsPerSecond !== undefined) this.credit -= n;
  }

  /** Ms from the last `allowance` call until the next packet may go at the current rate (0: one may go now, or unpaced). */
  waitMs(): number {
    const rate = this.packetsPerSecond;
    return rate === undefined || this.credit >= 1 ? 0 : Math.ceil(((1 - this.credit) * 1000) / rate);
  }
}
