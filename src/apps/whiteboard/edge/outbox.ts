/**
 * What one browser is sent, in order: frames ready now, frames that come later (a small device's transcoded image)
 * and a backlog read lazily (a late joiner's presentation), all through one queue. Frames go to the socket while it
 * holds at most `lowWaterBytes` unsent, so a late joiner's whole presentation never sits in memory twice; a browser
 * that leaves more than `maxQueued` entries waiting, or reads nothing for `stallMs`, is cut.
 */

import type { WebSocket } from 'ws';

/** One WebSocket frame: text (JSON) or binary (image bytes). */
export type Frame = string | Uint8Array;

/** Frames ready now, frames to come, or a backlog pulled one step at a time (undefined: it is done). */
export type Entry =
  | { readonly frames: readonly Frame[] }
  | { readonly later: Promise<readonly Frame[]> }
  | { readonly pull: () => readonly Frame[] | Promise<readonly Frame[]> | undefined };

/** Limits of one outbox. */
export interface OutboxLimits {
  /** Unsent bytes on the socket above which the queue waits, bytes. */
  readonly lowWaterBytes: number;
  /** Entries waiting at most; one more cuts the browser. */
  readonly maxQueued: number;
  /** Time the socket may hold unsent bytes without draining below `lowWaterBytes`, ms; longer cuts the browser. */
  readonly stallMs: number;
}

/** How often a waiting queue looks at the socket again, ms. */
const DRAIN_POLL_MS = 20;

/** One browser's ordered queue of frames. */
export class Outbox {
  private readonly queue: Entry[] = [];
  private pumping = false;
  private closed = false;

  /** `cut` is called once when the browser is cut for not reading. */
  constructor(
    private readonly ws: WebSocket,
    private readonly limits: OutboxLimits,
    private readonly cut: () => void,
  ) {}

  /** Entries waiting now. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues `entry` after everything queued before it (frames ready now go at once when nothing waits). */
  push(entry: Entry): void {
    if (this.closed) return;
    if ('frames' in entry && !this.pumping && this.queue.length === 0 && this.ws.bufferedAmount <= this.limits.lowWaterBytes) return this.write(entry.frames);
    if (this.queue.length >= this.limits.maxQueued) return this.stop(true);
    this.queue.push(entry);
    this.pump().catch(() => this.stop(false));
  }

  /** Drops what waits; nothing more is sent. */
  close(): void {
    this.stop(false);
  }

  private stop(cut: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (cut) this.cut();
  }

  private write(frames: readonly Frame[]): void {
    if (this.ws.readyState !== this.ws.OPEN) return this.stop(false);
    for (const f of frames) this.ws.send(f, { binary: typeof f !== 'string' });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let waitingSince: number | undefined;
    try {
      while (this.queue.length > 0 && !this.closed) {
        if (this.ws.bufferedAmount > this.limits.lowWaterBytes) {
          waitingSince ??= performance.now();
          if (performance.now() - waitingSince > this.limits.stallMs) return this.stop(true);
          await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
          continue;
        }
        waitingSince = undefined;
        const e = this.queue[0] as Entry;
        let frames: readonly Frame[];
        if ('frames' in e) {
          frames = e.frames;
          this.queue.shift();
        } else if ('later' in e) {
          frames = await e.later;
          this.queue.shift();
        } else {
          const next = e.pull();
          if (next === undefined) {
            this.queue.shift();
            continue;
          }
          frames = await next;
        }
        if (!this.closed) this.write(frames);
      }
    } finally {
      this.pumping = false;
    }
  }
}
