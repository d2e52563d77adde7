/**
 * The link emulator's driver: holds what arrives from emulated peers until the core (link-emulator.ts) says it
 * may be handed on. One heap of releases and one timer for the whole node; a stream's reads keep their order, and
 * a stream whose link holds `maxQueueBytes` stops reading (its socket is paused, so the sender's TCP backs up as
 * behind a slow link) until the link has drained 64 KiB below that. Peers no rule names pay nothing: their handler
 * is the plain one. Every release runs through the node's guard.
 */

import type { Guard } from '../net/guard.ts';
import { EventQueue } from '../sim/event-queue.ts';
import { monotonicMs } from './clock.ts';
import type { LinkEmulator, StreamOrder } from './link-emulator.ts';

/** A connection whose reading can be held and let go (FramedConnection). */
export interface ReadPausable {
  pauseReading(): void;
  resumeReading(): void;
}

/**
 * How early a message may be released, ms. A timer fires a millisecond or more late (whole-ms resolution, a busy
 * event loop), and each emulated hop would add that to every RTT; releasing up to this much early evens it out.
 */
const RELEASE_SLACK_MS = 1;

/** A message waiting for its release. */
interface Pending {
  readonly peer: string;
  readonly bytes: number;
  readonly run: () => void;
}

/** Delays, drops and throttles what a node receives from emulated peers. */
export class EmulatedReceive {
  private readonly queue = new EventQueue<Pending>();
  /** The pending wake-up: a timer, or an immediate when the earliest release is due already. */
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private timerAt = Infinity;
  /** Streams told to stop reading, by peer: let go once the peer's link has drained. */
  private readonly paused = new Map<string, Set<ReadPausable>>();
  private closed = false;

  constructor(
    readonly emulator: LinkEmulator,
    private readonly guard: Guard,
    /** Monotonic clock, ms. */
    private readonly now: () => number = monotonicMs,
  ) {}

  /** The handler of a stream's reads from `peer`: each read's frames are handed to `deliver` when released; `deliver` itself if `peer` is not emulated. */
  stream(peer: string, conn: ReadPausable, deliver: (frames: Buffer[]) => void): (frames: Buffer[]) => void {
    if (!this.emulator.emulates(peer)) return deliver;
    const order: StreamOrder = { last: 0 };
    return (frames) => {
      if (this.closed) return;
      let bytes = 0;
      for (const f of frames) bytes += f.length;
      const v = this.emulator.stream(peer, bytes, this.now(), order);
      if (!v) return deliver(frames);
      this.hold(v.at, { peer, bytes, run: () => deliver(frames) });
      if (v.full) this.pause(peer, conn);
    };
  }

  /** A datagram of `bytes` from `peer`: `deliver` runs now (not emulated), later (delayed), or never (dropped, counted). */
  datagram(peer: string, bytes: number, deliver: () => void): void {
    if (this.closed) return;
    const v = this.emulator.datagram(peer, bytes, this.now());
    if (v === undefined) deliver();
    else if (typeof v === 'number') this.hold(v, { peer, bytes, run: deliver });
  }

  /** Messages held now. */
  get pending(): number {
    return this.queue.size;
  }

  /** Drops everything held and all that comes later, stops the timer, and lets stopped streams read again, so that they can close. */
  close(): void {
    this.closed = true;
    this.disarm();
    while (this.queue.pop());
    for (const set of this.paused.values()) for (const conn of set) conn.resumeReading();
    this.paused.clear();
  }

  private hold(at: number, p: Pending): void {
    this.queue.push(at, p);
    this.arm();
  }

  private pause(peer: string, conn: ReadPausable): void {
    let set = this.paused.get(peer);
    if (!set) this.paused.set(peer, (set = new Set()));
    set.add(conn);
    conn.pauseReading();
  }

  /** Sets the timer for the earliest release, unless it is set for it already. */
  private arm(): void {
    const at = this.queue.peekTime();
    if (at === undefined || at >= this.timerAt) return;
    this.disarm();
    this.timerAt = at;
    const wake = (): void => this.guard.run('link emulator release', () => this.release());
    const wait = at - RELEASE_SLACK_MS - this.now();
    // A timer waits a whole ms at least: a release due already (a LAN's sub-ms delay) takes the next turn instead.
    if (wait > 0) this.timer = setTimeout(wake, wait).unref();
    else this.immediate = setImmediate(wake).unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Hands on every message whose time has come, lets drained streams read again, and re-arms. */
  private release(): void {
    this.timerAt = Infinity;
    this.timer = undefined;
    this.immediate = undefined;
    const now = this.now() + RELEASE_SLACK_MS;
    const touched = new Set<string>();
    for (let at = this.queue.peekTime(); at !== undefined && at <= now; at = this.queue.peekTime()) {
      const p = (this.queue.pop() as { item: Pending }).item;
      this.emulator.released(p.peer, p.bytes);
      touched.add(p.peer);
      this.guard.run('link emulator delivery', p.run);
    }
    for (const peer of touched) {
      const set = this.paused.get(peer);
      if (!set || !this.emulator.drained(peer)) continue;
      this.paused.delete(peer);
      for (const conn of set) conn.resumeReading();
    }
    this.arm();
  }
}
