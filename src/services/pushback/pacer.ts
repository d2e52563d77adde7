/**
 * A token bucket in front of a local source: packets leave at most at the limit's rate, in bursts of `burstMs`
 * worth, in order; what waits is bounded by `maxBytes` (past it the arriving packet is refused).
 */

import { Fifo } from '../../core/fifo.ts';
import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';

/** Paces one source's packets. */
export class Pacer {
  private readonly queue = new Fifo<DataPacket>();
  private bytes = 0;
  /** Bytes that may leave now (negative: debt of the last packet). */
  private tokens = 0;
  private at: Millis = 0;

  constructor(
    /** Most bytes waiting. */
    private readonly maxBytes: number,
    /** Largest burst, ms of the rate. */
    private readonly burstMs: number,
  ) {}

  /** Bytes waiting. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queues a packet; false (nothing queued) when `maxBytes` would be passed. */
  offer(packet: DataPacket): boolean {
    if (this.bytes + packet.bytes.length > this.maxBytes) return false;
    this.queue.push(packet);
    this.bytes += packet.bytes.length;
    return true;
  }

  /** The packets that may leave at `now` at `rate` bytes/s (undefined: no limit, all leave). */
  release(now: Millis, rate: number | undefined): DataPacket[] {
    const out: DataPacket[] = [];
    if (rate !== undefined) this.refill(now, rate);
    while (this.queue.length > 0 && (rate === undefined || this.tokens > 0)) {
      const p = this.queue.shift() as DataPacket;
      this.bytes -= p.bytes.length;
      if (rate !== undefined) this.tokens -= p.bytes.length;
      out.push(p);
    }
    return out;
  }

  /** When the next waiting packet may leave at `rate` bytes/s; undefined when none waits. */
  nextAt(rate: number | undefined): Millis | undefined {
    if (this.queue.length === 0) return undefined;
    if (rate === undefined || this.tokens > 0) return this.at;
    return this.at + Math.ceil(((1 - this.tokens) * 1000) / rate);
  }

  private refill(now: Millis, rate: number): void {
    if (now > this.at) this.tokens = Math.min((rate * this.burstMs) / 1000, this.tokens + ((now - this.at) * rate) / 1000);
    this.at = Math.max(this.at, now);
  }
}
