/**
 * The data plane's own liveness, separate from the control plane's: a node whose data connections die while its
 * control traffic and probes flow (a gray failure) is noticed here, and a stalled TCP data connection is torn down
 * instead of being left to the kernel's retransmission backoff (tens of seconds).
 *
 * Both ends of every TCP data connection write an empty frame (a keepalive, 4 bytes) when they have written nothing
 * for `keepaliveMs`, so each end hears the other at least that often whatever the source sends. An end that has
 * heard nothing for `silenceMs` resets the connection (RST: what it still queued is dropped, never delivered late)
 * and reports it: the receiving end routes around that upstream (SessionRuntime.dataSilent), the sending end
 * dials afresh on its next write. A tick that comes late (the event loop was stalled, so reads may be waiting
 * behind it) gives no verdict.
 */

import type { FramedConnection } from '../net/framed-connection.ts';

/** Which end of a data connection this node is. */
export type DataEnd = 'sender' | 'receiver';

/** A watched connection's peer and session. */
export interface WatchedLink {
  readonly peer: string;
  readonly sessionHex: string;
  readonly end: DataEnd;
}

/** Options of the watchdog. */
export interface DataWatchdogOptions {
  /** Silence after which a data connection is reset, ms (default 1200). */
  readonly silenceMs?: number;
  /** Time without a write after which an end writes a keepalive, ms (default 300). */
  readonly keepaliveMs?: number;
  /** A connection was silent for `silenceMs` and has been reset. */
  readonly onSilent: (link: WatchedLink) => void;
}

/** How often the watchdog looks, ms. */
const TICK_MS = 100;

/** The keepalive frame: a frame of no bytes. */
const KEEPALIVE = Buffer.alloc(0);

interface Watched {
  readonly link: WatchedLink;
  heardAt: number;
  writtenAt: number;
  bytesWritten: number;
}

/** Watches a node's TCP data connections. */
export class DataWatchdog {
  private readonly watched = new Map<FramedConnection, Watched>();
  private readonly silenceMs: number;
  private readonly keepaliveMs: number;
  private timer: NodeJS.Timeout | undefined;
  private tickedAt = performance.now();
  /** Connections reset for silence, by end. */
  readonly silent: Record<DataEnd, number> = { sender: 0, receiver: 0 };

  constructor(private readonly o: DataWatchdogOptions) {
    this.silenceMs = o.silenceMs ?? 1200;
    this.keepaliveMs = o.keepaliveMs ?? 300;
  }

  /** Watches `conn` until it closes. */
  watch(conn: FramedConnection, link: WatchedLink): void {
    const now = performance.now();
    const w: Watched = { link, heardAt: now, writtenAt: now, bytesWritten: conn.socket.bytesWritten };
    this.watched.set(conn, w);
    conn.socket.on('data', () => {
      w.heardAt = performance.now();
    });
    conn.socket.once('close', () => this.watched.delete(conn));
  }

  /** Connections watched now. */
  get size(): number {
    return this.watched.size;
  }

  /** Starts looking every TICK_MS; `wrap` guards the tick. */
  start(wrap: (fn: () => void) => () => void): void {
    this.tickedAt = performance.now();
    this.timer = setInterval(wrap(() => this.tick(performance.now())), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(now: number): void {
    const late = now - this.tickedAt > 3 * TICK_MS;
    this.tickedAt = now;
    for (const [conn, w] of this.watched) {
      if (conn.isClosed) {
        this.watched.delete(conn);
        continue;
      }
      if (late) {
        // Reads may be queued behind the stall: hear them before judging anyone.
        w.heardAt = Math.max(w.heardAt, now - this.keepaliveMs);
      } else if (now - w.heardAt >= this.silenceMs) {
        this.watched.delete(conn);
        this.silent[w.link.end]++;
        conn.reset('data link silent');
        this.o.onSilent(w.link);
        continue;
      }
      const written = conn.socket.bytesWritten;
      if (written !== w.bytesWritten) {
        w.bytesWritten = written;
        w.writtenAt = now;
      } else if (now - w.writtenAt >= this.keepaliveMs) {
        conn.writeFrames([KEEPALIVE]);
      }
    }
  }
}
