/**
 * Light listeners, run as a child process (`node --import tsx listeners.ts`, an IPC channel to the bench): up to
 * MAX_SOCKETS raw TCP players of one mount, each sending `GET <mount> HTTP/1.0` with `Icy-MetaData: 0`, reading the
 * header up to its end, then only counting body bytes and looking for the first MP3 frame header. Driven by the
 * parent's messages (ListenersCommand), answering with ListenersEvent; exits when told or when the parent goes.
 */

import { connect, type Socket } from 'node:net';
import { sleep } from '../bench-dataplane/util.ts';
import { responseHead } from './http-head.ts';
import { parseMp3Header } from '../../src/services/rtp/wire/mp3-header.ts';

/** Most sockets one child opens (the fd limit is raised to the hard limit before it starts). */
export const MAX_SOCKETS = 2500;
/** Most connects a child makes at once after a stall, as ms of its rate. */
const BURST_MS = 10;

/** What the parent tells a child. */
export type ListenersCommand =
  | {
      readonly type: 'connect';
      /** Servers to spread the sockets over, round robin: host, port, mount. */
      readonly targets: ReadonlyArray<{ readonly host: string; readonly port: number; readonly mount: string }>;
      readonly count: number;
      /** Local (loopback) addresses to connect from, round robin, so that no address runs out of ports. */
      readonly localAddresses: readonly string[];
      /** Connects started per second, at most. */
      readonly ratePerS: number;
      /** A socket without a whole 200 header this long after its connect counts as failed, ms. */
      readonly headerTimeoutMs: number;
    }
  | { readonly type: 'mark' }
  | { readonly type: 'report' }
  | { readonly type: 'stop' };

/** What a child tells the parent. */
export type ListenersEvent =
  | { readonly type: 'progress'; readonly started: number; readonly streaming: number; readonly failed: number }
  | { readonly type: 'connected'; readonly streaming: number; readonly failed: number; readonly errors: Record<string, number> }
  | { readonly type: 'report'; readonly result: ListenersResult };

/** One child's figures: per socket, in connect order. */
export interface ListenersResult {
  /** Connect call to the first body byte after the header, ms (NaN: never). */
  readonly firstByteMs: number[];
  /** Connect call to the arrival of the first valid Layer III frame header in the body (parseMp3Header), ms (NaN: never). */
  readonly firstFrameMs: number[];
  /** Body bytes received between `mark` and `report`. */
  readonly windowBytes: number[];
  /** Time between `mark` and `report` here, ms. */
  readonly windowMs: number;
  /**
   * Per socket, the time from its last read before `mark` to its last read before `report`, ms: the span its
   * `windowBytes` arrived over (a server that writes in batches delivers a batch's bytes at once, so a window's edges
   * can fall either side of one; this span has a read at each end).
   */
  readonly spanMs: number[];
  /** Per socket, the time from its last read to `report`, ms. */
  readonly silentMs: number[];
  /** Sockets the server closed (or reset) after they had started streaming. */
  readonly cut: number;
  /** Why sockets failed or were cut: error code or reason, count. */
  readonly errors: Record<string, number>;
}

const enum State {
  Header,
  Body,
  Closed,
}

class Fleet {
  private readonly sockets: Socket[] = [];
  private readonly t0: Float64Array;
  private readonly firstByte: Float64Array;
  private readonly firstFrame: Float64Array;
  private readonly bytes: Float64Array;
  private readonly marked: Float64Array;
  /** Time of each socket's last read, and of its last read before `mark`. */
  private readonly lastRead: Float64Array;
  private readonly markedRead: Float64Array;
  private readonly state: Uint8Array;
  /** Header bytes so far (while in Header), then the last 3 body bytes until the first frame header is found. */
  private readonly pending: Array<Buffer | undefined>;
  private readonly errors: Record<string, number> = {};
  private markAt = NaN;
  private cut = 0;
  private failed = 0;
  private streaming = 0;

  constructor(private readonly cmd: Extract<ListenersCommand, { type: 'connect' }>) {
    const n = Math.min(cmd.count, MAX_SOCKETS);
    this.t0 = new Float64Array(n);
    this.firstByte = new Float64Array(n).fill(NaN);
    this.firstFrame = new Float64Array(n).fill(NaN);
    this.bytes = new Float64Array(n);
    this.marked = new Float64Array(n);
    this.lastRead = new Float64Array(n).fill(NaN);
    this.markedRead = new Float64Array(n).fill(NaN);
    this.state = new Uint8Array(n);
    this.pending = new Array<Buffer | undefined>(n);
  }

  /**
   * Opens every socket at the configured rate (a token bucket holding at most BURST_MS of connects, so that a
   * stalled loop does not catch up in a burst); resolves once each one streams or failed (bounded by the header timeout).
   */
  async open(): Promise<void> {
    const n = this.t0.length;
    const progress = setInterval(() => send({ type: 'progress', started: this.sockets.length, streaming: this.streaming, failed: this.failed }), 1000);
    const burst = Math.max(1, (this.cmd.ratePerS * BURST_MS) / 1000);
    let tokens = 1;
    let last = performance.now();
    while (this.sockets.length < n) {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * this.cmd.ratePerS);
      last = now;
      for (; tokens >= 1 && this.sockets.length < n; tokens--) this.openOne(this.sockets.length);
      await sleep(2);
    }
    const until = performance.now() + this.cmd.headerTimeoutMs + 1000;
    while (this.streaming + this.failed < n && performance.now() < until) await sleep(50);
    clearInterval(progress);
    send({ type: 'connected', streaming: this.streaming, failed: n - this.streaming, errors: this.errors });
  }

  private openOne(i: number): void {
    const target = this.cmd.targets[i % this.cmd.targets.length] as { host: string; port: number; mount: string };
    const localAddress = this.cmd.localAddresses[i % this.cmd.localAddresses.length];
    this.t0[i] = performance.now();
    const s = connect({ host: target.host, port: target.port, ...(localAddress && { localAddress }) });
    this.sockets.push(s);
    const timer = setTimeout(() => this.fail(i, 'header-timeout'), this.cmd.headerTimeoutMs);
    s.once('connect', () => s.write(`GET ${target.mount} HTTP/1.0\r\nHost: ${target.host}:${target.port}\r\nUser-Agent: bench-radio\r\nIcy-MetaData: 0\r\n\r\n`));
    s.on('data', (chunk: Buffer) => {
      if (this.state[i] === State.Header) {
        if (this.header(i, chunk)) clearTimeout(timer);
      } else if (this.state[i] === State.Body) this.body(i, chunk, 0);
    });
    s.on('error', (err: NodeJS.ErrnoException) => this.fail(i, err.code ?? 'error'));
    s.on('close', () => {
      clearTimeout(timer);
      this.fail(i, 'closed');
    });
  }

  /** Takes header bytes; true once the header ended with a 200 (the rest of the chunk is body). */
  private header(i: number, chunk: Buffer): boolean {
    const buf = this.pending[i] ? Buffer.concat([this.pending[i] as Buffer, chunk]) : chunk;
    const head = responseHead(buf);
    if (head === undefined) this.pending[i] = buf;
    else if (head === 'too-long') this.fail(i, 'header-too-long');
    else if (!head.ok) this.fail(i, `status ${head.status.slice(0, 40)}`);
    else {
      this.pending[i] = undefined;
      this.state[i] = State.Body;
      this.streaming++;
      this.body(i, buf, head.bodyStart);
      return true;
    }
    return false;
  }

  /** Counts body bytes from `from`; until the first frame header is seen, looks for it (across chunk edges). */
  private body(i: number, chunk: Buffer, from: number): void {
    const n = chunk.length - from;
    if (n <= 0) return;
    const now = performance.now();
    if (this.bytes[i] === 0) this.firstByte[i] = now - (this.t0[i] as number);
    this.bytes[i] = (this.bytes[i] as number) + n;
    this.lastRead[i] = now;
    if (!Number.isNaN(this.firstFrame[i])) return;
    const tail = this.pending[i];
    const buf = tail ? Buffer.concat([tail, chunk.subarray(from)]) : chunk.subarray(from);
    for (let j = buf.indexOf(0xff); j >= 0 && j + 4 <= buf.length; j = buf.indexOf(0xff, j + 1)) {
      if (parseMp3Header(buf, j) !== undefined) {
        this.firstFrame[i] = now - (this.t0[i] as number);
        this.pending[i] = undefined;
        return;
      }
    }
    this.pending[i] = Buffer.from(buf.subarray(Math.max(0, buf.length - 3)));
  }

  private fail(i: number, why: string): void {
    const state = this.state[i];
    if (state === State.Closed) return;
    if (state === State.Body) {
      this.cut++;
      this.streaming--;
    } else this.failed++;
    this.state[i] = State.Closed;
    this.pending[i] = undefined;
    this.errors[why] = (this.errors[why] ?? 0) + 1;
    this.sockets[i]?.destroy();
  }

  /** Starts the window: remembers every socket's byte count now. */
  mark(): void {
    this.markAt = performance.now();
    this.marked.set(this.bytes);
    this.markedRead.set(this.lastRead);
  }

  /** The figures so far; the window ends now. */
  result(): ListenersResult {
    const windowBytes = Array.from(this.bytes, (b, i) => b - (this.marked[i] as number));
    const now = performance.now();
    return {
      spanMs: Array.from(this.lastRead, (t, i) => t - (this.markedRead[i] as number)),
      silentMs: Array.from(this.lastRead, (t) => now - t),
      firstByteMs: Array.from(this.firstByte),
      firstFrameMs: Array.from(this.firstFrame),
      windowBytes,
      windowMs: performance.now() - this.markAt,
      cut: this.cut,
      errors: this.errors,
    };
  }

  /** Closes every socket. */
  close(): void {
    for (const s of this.sockets) s.destroy();
  }
}

function send(e: ListenersEvent): void {
  process.send?.(e);
}

if (process.send) {
  let fleet: Fleet | undefined;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ListenersCommand) => {
    if (m.type === 'connect' && !fleet) {
      fleet = new Fleet(m);
      void fleet.open();
    } else if (m.type === 'mark') fleet?.mark();
    else if (m.type === 'report' && fleet) send({ type: 'report', result: fleet.result() });
    else if (m.type === 'stop') {
      fleet?.close();
      process.disconnect();
      process.exit(0);
    }
  });
}
