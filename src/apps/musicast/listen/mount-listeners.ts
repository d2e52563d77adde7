/**
 * The listener edge of one MusiCast mount (paper 6.6.1: the HTTP interface standard players tune into): ICY
 * responses, the burst on connect, and the live stream written to every player once per `batchMs` tick, on one timer
 * per mount. Each tick joins the frames pushed since the last one into one Buffer that every listener shares (no
 * per-listener copy); a listener whose user-space queue grows past `queueBytes` is cut, never buffered without limit.
 *
 * Bounds: listeners <= maxListeners; frames waiting for a tick < burstBytes + one frame (a tick runs early when they
 * reach burstBytes), plus what arrives while a tick's walk over many listeners is still going; the burst ring <=
 * burstBytes (+ one joined copy); per listener <= queueBytes + one tick queued in user space (the kernel's socket
 * buffers come on top, as with Icecast's queue-size). A tick walks the listeners in slices (sliceListeners), so
 * that the process (an SCX with its other work) never stalls for the whole list.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../../core/errors.ts';
import { BurstRing } from './burst-ring.ts';
import { icyHeaders, wantsMetadata } from './icy-headers.ts';
import { encodeMetadataBlock, icyTitle } from './icy-metadata.ts';
import { checkMountInfo, listenSettings, type ListenOptions, type ListenSettings, type MountInfo } from './listen-options.ts';
import { Listener, type CurrentTitle } from './listener.ts';

/** What a mount has done since it was made. */
export interface ListenCounters {
  /** Players accepted (GET answered 200). */
  accepted: number;
  /** Players cut because their queue passed queueBytes (too slow). */
  cut: number;
  /** Players refused because the mount had maxListeners (503). */
  refused: number;
  /** Body bytes (audio and metadata) handed to listeners' sockets. */
  bytesOut: number;
  /** Frames pushFrame refused: empty, or not starting with an MPEG audio frame sync. */
  badFrames: number;
}

/** The listeners of one mount. */
export class MountListeners {
  /** What this mount tells players. */
  readonly info: MountInfo;
  /** The options with their defaults. */
  readonly settings: ListenSettings;
  /** When this mount was made, in ms since the epoch (status-json's stream_start). */
  readonly streamStartMs: number;
  /** What this mount has done. */
  readonly counters: ListenCounters = { accepted: 0, cut: 0, refused: 0, bytesOut: 0, badFrames: 0 };

  private readonly ring: BurstRing;
  private readonly all = new Set<Listener>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: CurrentTitle = { version: 0, block: encodeMetadataBlock('') };
  private text = '';
  private most = 0;
  private closed = false;
  /** A tick's walk over the listeners is not finished. */
  private walking = false;

  /** `clock`: ms since the epoch, for streamStartMs. Throws RangeError on an invalid mount or option. */
  constructor(info: MountInfo, options?: ListenOptions, clock: () => number = Date.now) {
    checkMountInfo(info);
    this.info = info;
    this.settings = listenSettings(options);
    this.ring = new BurstRing(this.settings.burstBytes);
    this.streamStartMs = clock();
  }

  /** The StreamTitle listeners get (after icyTitle). */
  get title(): string {
    return this.text;
  }

  /** Players connected now. */
  get listeners(): number {
    return this.all.size;
  }

  /** Most players connected at once. */
  get peak(): number {
    return this.most;
  }

  /** Serves one player: response headers, the burst, then the live stream (GET); headers only (HEAD); 405 otherwise. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, `${req.method} is not served here`, { Allow: 'GET, HEAD' });
    if (this.closed) return plain(res, 404, `${ErrorCode.NOT_FOUND}: ${this.info.mount} is closed`);
    const metaint = wantsMetadata(req.headers['icy-metadata']) ? this.settings.metaint : undefined;
    if (req.method === 'HEAD') {
      res.writeHead(200, icyHeaders(this.info, metaint));
      res.end();
      return;
    }
    const socket = res.socket;
    if (socket === null || socket.destroyed) {
      // Gone already, or pipelined behind another response on this connection, which (a stream) never ends.
      req.socket.destroy();
      return;
    }
    if (this.all.size >= this.settings.maxListeners) {
      this.counters.refused++;
      const why = `${ErrorCode.LIMIT_LISTENERS}: ${this.info.mount} has its maximum of ${this.settings.maxListeners} listeners`;
      return plain(res, 503, why, { 'Retry-After': '30' });
    }
    res.useChunkedEncodingByDefault = false; // an endless body with neither Content-Length nor chunks
    res.writeHead(200, icyHeaders(this.info, metaint));
    res.write(NO_BYTES); // sends the head as latin1 (flushHeaders would send it as UTF-8, mangling icy-name); the body bypasses res
    socket.setTimeout(0);
    const listener = new Listener(socket, metaint, this.ring.start);
    this.all.add(listener);
    socket.on('close', () => this.leave(listener));
    this.counters.accepted++;
    this.most = Math.max(this.most, this.all.size);
    this.timer ??= setInterval(() => this.flush(), this.settings.batchMs).unref();
    this.deliver(listener, this.ring.burst(), this.ring.start);
  }

  /** One whole MP3 frame of the live stream, in real time (kept by reference until it leaves the burst: do not change it). */
  pushFrame(frame: Buffer): void {
    if (this.closed) return;
    if (frame.length < 4 || frame[0] !== 0xff || (frame[1]! & 0xe0) !== 0xe0) {
      this.counters.badFrames++;
      return;
    }
    if (this.all.size === 0) return this.ring.append(frame);
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    if (this.pendingBytes >= this.settings.burstBytes) this.flush();
  }

  /** Sets the StreamTitle (through icyTitle) that every listener that asked for metadata gets in its next block. */
  setTitle(title: string): void {
    const text = icyTitle(title);
    if (text === this.text) return;
    this.text = text;
    this.current = { version: this.current.version + 1, block: encodeMetadataBlock(text) };
  }

  /** Ends every listener (a listener with nothing queued gets a clean end, the others are destroyed); later players get 404. */
  close(): void {
    this.closed = true;
    this.stopTimer();
    this.pending = [];
    this.pendingBytes = 0;
    for (const listener of this.all) {
      if (listener.backlog === 0) listener.socket.end();
      else listener.socket.destroy();
    }
    this.all.clear();
  }

  /**
   * The tick: the frames pushed since the last one, joined once, then written to every listener there now, in slices
   * of sliceListeners with the event loop free between them. A tick that finds the last walk unfinished waits.
   */
  private flush(): void {
    if (this.pendingBytes === 0 || this.walking) return;
    const at = this.ring.end;
    const span = this.absorbPending();
    this.walk([...this.all], 0, span, at);
  }

  /** The pending frames joined, and appended to the burst ring. */
  private absorbPending(): Buffer {
    const span = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    for (const frame of this.pending) this.ring.append(frame);
    this.pending = [];
    this.pendingBytes = 0;
    return span;
  }

  private walk(targets: readonly Listener[], from: number, span: Buffer, at: number): void {
    const to = Math.min(targets.length, from + this.settings.sliceListeners);
    for (let i = from; i < to; i++) {
      const listener = targets[i]!;
      if (this.all.has(listener)) this.deliver(listener, span, at);
    }
    this.walking = to < targets.length && !this.closed;
    if (this.walking) setImmediate(() => this.walk(targets, to, span, at));
  }

  private deliver(listener: Listener, span: Buffer, at: number): void {
    if (span.length > 0) this.counters.bytesOut += listener.send(span, at, this.current);
    if (listener.backlog > this.settings.queueBytes) {
      this.counters.cut++;
      this.all.delete(listener);
      listener.socket.destroy();
      this.leave(listener);
    }
  }

  private leave(listener: Listener): void {
    this.all.delete(listener);
    if (this.all.size > 0) return;
    if (this.pendingBytes > 0) this.absorbPending();
    this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** An empty body write. */
const NO_BYTES = Buffer.alloc(0);

/** A short text/plain answer that closes the connection. */
function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, Connection: 'close', 'Cache-Control': 'no-cache', ...extra });
  res.end(body);
}
