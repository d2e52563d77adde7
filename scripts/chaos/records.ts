/**
 * What each receiver delivered, read from its node's record file (`--record`, one JSON line per packet) as the file
 * grows: every poll reads only the new bytes. Lines cut short by a kill -9 are skipped.
 */

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** One delivered packet of the bench's data channel. */
export interface Delivery {
  readonly seq: number;
  readonly sentMs: number;
  readonly recvMs: number;
}

/** Deliveries a tail takes to learn where the source's stream runs (seq against send time). */
const LEARN = 20;
/** How far (in seconds of the stream) a delivery may sit off the source's line and still be the source's packet. */
const SLACK_S = 2;

/**
 * The deliveries of one node, growing as its record file does. The test source numbers its packets at a fixed
 * rate, so its packets lie on one line, seq = rate x sentMs + offset; the tail learns the offset from its first
 * deliveries, and a delivery far off the line is no packet of the source but one an attacker forged (the attacks
 * send data packets naming the session and the source's SCX with random numbers and times): it is counted in
 * `forged`, never as a delivery.
 */
export class RecordTail {
  readonly deliveries: Delivery[] = [];
  /** Wall ms of each delivery that was not the source's packet. */
  readonly forged: number[] = [];
  private readonly offsets: number[] = [];
  private line: number | undefined;
  /** Wall ms of each delivery of a sequence number already delivered (a duplicate). */
  readonly duplicates: number[] = [];
  private readonly seen = new Set<number>();
  private offset = 0;
  private rest = '';

  constructor(
    readonly path: string,
    private readonly channel: number,
    /** The source's packets a second. */
    private readonly rate: number,
  ) {}

  /** Reads what the node wrote since the last call. */
  poll(): void {
    if (!existsSync(this.path)) return;
    const size = statSync(this.path).size;
    if (size <= this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const lines = (this.rest + buf.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.take(line);
  }

  private take(line: string): void {
    if (!line.endsWith('}')) return;
    let r: { ch?: number; seq?: number; sentMs?: number; recvMs?: number };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      return; // a line a kill -9 cut and the restarted node continued
    }
    if (r.ch !== this.channel || typeof r.seq !== 'number' || typeof r.recvMs !== 'number') return;
    const off = r.seq - (this.rate * (r.sentMs ?? 0)) / 1000;
    if (this.line === undefined) {
      this.offsets.push(off);
      if (this.offsets.length === LEARN) this.line = [...this.offsets].sort((a, b) => a - b)[LEARN >> 1];
    } else if (Math.abs(off - this.line) > SLACK_S * this.rate) {
      this.forged.push(r.recvMs);
      return;
    }
    if (this.seen.has(r.seq)) this.duplicates.push(r.recvMs);
    else this.seen.add(r.seq);
    this.deliveries.push({ seq: r.seq, sentMs: r.sentMs ?? 0, recvMs: r.recvMs });
  }

  /** Wall ms of the last delivery (0: none yet). */
  lastMs(): number {
    return this.deliveries.at(-1)?.recvMs ?? 0;
  }

  /** Duplicates delivered in [from, to] (wall ms). */
  duplicatesIn(from: number, to: number): number {
    return this.duplicates.filter((t) => t >= from && t <= to).length;
  }

  /** Distinct sequence numbers delivered whose send time is in [from, to]. */
  distinctSentIn(from: number, to: number): Set<number> {
    const out = new Set<number>();
    for (const d of this.deliveries) if (d.sentMs >= from && d.sentMs <= to) out.add(d.seq);
    return out;
  }

  /**
   * The longest silence (ms) overlapping [from, to]: gaps between deliveries, the gap from the last delivery before
   * `from`, and a silence still running at `to`, each clipped to the window's start being the last packet before it.
   */
  longestSilence(from: number, to: number): number {
    let prev = 0;
    let worst = 0;
    for (const d of this.deliveries) {
      if (d.recvMs < from) {
        prev = d.recvMs;
        continue;
      }
      if (d.recvMs > to) {
        worst = Math.max(worst, to - Math.max(prev, from));
        return worst;
      }
      worst = Math.max(worst, d.recvMs - Math.max(prev, from));
      prev = d.recvMs;
    }
    return Math.max(worst, to - Math.max(prev, from));
  }

  /**
   * How long after `at` the node was receiving again: the end of the longest silence (over `silenceMs`) that began
   * before `at` + 1 s and ended after `at`; 0 when it never fell silent; Infinity when it is still silent at `now`.
   */
  resumedAfter(at: number, now: number, silenceMs = 250): number {
    let prev: number | undefined;
    let worst = 0;
    for (const d of this.deliveries) {
      if (prev !== undefined && d.recvMs - prev > silenceMs && d.recvMs > at && prev < at + 1000) worst = Math.max(worst, d.recvMs - at);
      prev = d.recvMs;
    }
    if (prev === undefined || now - prev > silenceMs + 750) return Infinity;
    return worst;
  }

  /** Ms from `at` to the first delivery after it (Infinity: none yet). */
  firstAfter(at: number): number {
    const d = this.deliveries.find((x) => x.recvMs > at);
    return d === undefined ? Infinity : d.recvMs - at;
  }
}
