/** What a receiving client saw: packets, rate, sequence gaps and source-to-client delay, for the demo's dashboard. */

import { wallClockMs } from '../daemon/clock.ts';
import type { DataPacket } from '../session/data-header.ts';

/** A receiver's running statistics; `tick` once a second. */
export class ReceiverStats {
  packets = 0;
  gaps = 0;
  packetsPerS = 0;
  /** Median delay over the last tick, ms; null if nothing arrived in it. */
  delayMs: number | null = null;
  private lastSeq: number | undefined;
  private delays: number[] = [];
  private lastPackets = 0;
  private lastTick = performance.now();

  /** Counts one packet. */
  add(p: DataPacket): void {
    const now = wallClockMs();
    this.packets++;
    const seq = p.header.seq;
    if (this.lastSeq !== undefined && seq > this.lastSeq + 1) this.gaps += seq - this.lastSeq - 1;
    if (this.lastSeq === undefined || seq > this.lastSeq) this.lastSeq = seq;
    if (this.delays.length < 10_000) this.delays.push(now - p.header.timestampMs);
  }

  /** Turns the last second into a rate and a median delay. */
  tick(): void {
    const now = performance.now();
    this.packetsPerS = ((this.packets - this.lastPackets) * 1000) / Math.max(1, now - this.lastTick);
    this.lastPackets = this.packets;
    this.lastTick = now;
    const d = this.delays.sort((a, b) => a - b);
    this.delayMs = d.length === 0 ? null : (d[d.length >> 1] as number);
    this.delays = [];
  }
}
