/**
 * An outgoing link with a known rate: it sends one packet at a time, for the packet's length over the rate, and
 * pulls the next from the channels waiting on it by their hierarchical fair share (link-share.ts). Sans-IO: the
 * simulator drives it in virtual time (link capacities), the daemon in real time (a node's paced uplinks).
 */

import type { Millis } from '../core/time.ts';
import { LinkShare, type SharedPacket } from './link-share.ts';

/** A rate-limited link and its fair share. */
export class LinkWire {
  readonly share = new LinkShare();
  /** When the packet on the wire is through, ms. */
  private busyUntil: Millis = 0;

  constructor(
    /** The link's rate, bytes/s. */
    readonly bytesPerSec: number,
    /** Link time a late `pump` may still use at once, ms: what a driver's timer granularity costs (0 in virtual time). */
    private readonly burstMs = 0,
  ) {
    if (!(bytesPerSec > 0 && Number.isFinite(bytesPerSec))) throw new RangeError(`a link's rate must be positive bytes/s: ${bytesPerSec}`);
  }

  /**
   * Sends what the link can by `now`: each packet goes to `send` with the time its last byte leaves. Returns when to
   * call again (the wire is busy and packets wait), or undefined (nothing waits).
   */
  pump(now: Millis, send: (p: SharedPacket, departAt: Millis) => void): Millis | undefined {
    for (;;) {
      if (now < this.busyUntil) return this.share.backlogged ? this.busyUntil : undefined;
      const next = this.share.next();
      if (!next) return undefined;
      // A link busy until just now goes on from there (up to burstMs behind); an idle one starts now.
      const start = Math.max(this.busyUntil, now - this.burstMs);
      this.busyUntil = start + (next.packet.bytes.length * 1000) / this.bytesPerSec;
      send(next, this.busyUntil);
    }
  }
}
