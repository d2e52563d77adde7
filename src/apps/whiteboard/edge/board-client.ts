/**
 * One browser on the whiteboard's WebSocket: its hello (a viewer, or a presenter whose credential the node's source
 * admission takes), then its messages, every one hostile: a malformed one, one too large for its role, a binary
 * frame nobody announced, an edit from a viewer get a `refused` with a stable code and the socket is closed; a
 * presenter's edit that breaks a rule gets a non-fatal `error`. What it is sent goes through its Outbox, in order.
 */

import type { RawData, WebSocket } from 'ws';
import { ErrorCode } from '../../../core/errors.ts';
import { MAX_IMAGE_BYTES } from '../deck/bodies.ts';
import { imageProblem, type BoardObject } from './adu-body.ts';
import { parseClientMessage, type Hello, type ObjectEdit } from './client-messages.ts';
import type { WhiteboardStats } from './edge-stats.ts';
import { Outbox, type Frame } from './outbox.ts';
import type { BoardBrowser, PresentationEdge } from './presentation.ts';
import type { SmallImages } from './small-images.ts';

/** Largest message a viewer (or a browser before its hello) may send, bytes. */
export const VIEWER_MAX_MESSAGE = 4096;

/** Largest text message a presenter may send, bytes (a stroke of 5000 points fits). */
export const PRESENTER_MAX_TEXT = 256 * 1024;

/** Time a browser has to send its hello, ms. */
export const HELLO_DEADLINE_MS = 10_000;

/** Limits of each browser's outbox (see outbox.ts). */
const OUTBOX = { lowWaterBytes: 1 << 20, maxQueued: 4096, stallMs: 30_000 };

/** What a browser's connection needs from the whiteboard. */
export interface ClientContext {
  readonly edge: PresentationEdge;
  readonly stats: WhiteboardStats;
  readonly images: SmallImages;
  /** Screens narrower than this are small, CSS px. */
  readonly smallWidth: number;
  /** This SCX's address, for the welcome. */
  readonly scx: string;
  /** Whether `credential` admits a presenter into the session: undefined if so, else the admission's code. */
  admit(credential: string | undefined): string | undefined;
  /** Runs a socket callback, counting what it throws (the node's guard). */
  guard<A extends unknown[]>(what: string, fn: (...a: A) => void): (...a: A) => void;
}

/** One browser's connection. */
export class BoardClient implements BoardBrowser {
  /** The slide on its screen, 1..65535 (undefined before its hello). */
  slide: number | undefined;
  private role: 'view' | 'present' | undefined;
  /** A small device: its images are transcoded. */
  private small = false;
  /** Its screen's width, CSS px. */
  private width = 0;
  private pendingImage: ObjectEdit | undefined;
  private closed = false;
  private readonly outbox: Outbox;
  /** The version of each object (`slide:id`) sent to this browser. */
  private readonly sent = new Map<string, number>();
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: ClientContext,
  ) {
    this.outbox = new Outbox(ws, OUTBOX, () => this.refuse(ErrorCode.WB_SLOW, 'the browser did not read what it was sent'));
    // ws closes a socket that breaks the protocol or its maxPayload itself (1009, 1002): counted here.
    ws.on('error', (err: Error & { code?: string }) => ctx.stats.refuse(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? ErrorCode.WB_MESSAGE_SIZE : ErrorCode.WB_MESSAGE));
    ws.on('message', ctx.guard('whiteboard message', (data: RawData, binary: boolean) => this.onMessage(toBuffer(data), binary)));
    ws.on('close', ctx.guard('whiteboard close', () => this.onClose()));
    this.helloTimer = setTimeout(ctx.guard('whiteboard hello deadline', () => this.refuse(ErrorCode.WB_HELLO, `no hello within ${HELLO_DEADLINE_MS} ms`)), HELLO_DEADLINE_MS);
  }

  sendMessage(m: Record<string, unknown>): void {
    this.outbox.push({ frames: [JSON.stringify(m)] });
  }

  sendObject(o: BoardObject): void {
    if (!this.take(o)) return;
    const frames = this.framesOf(o);
    this.outbox.push(Array.isArray(frames) ? { frames } : { later: frames as Promise<readonly Frame[]> });
  }

  refuse(code: string, message: string): void {
    if (this.closed) return;
    this.ctx.stats.refuse(code);
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ t: 'refused', code, message }));
    this.outbox.close();
    this.ws.close(1008, code);
    this.onClose();
    // A browser that does not answer the close handshake is dropped.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    this.outbox.close();
    this.ctx.edge.leave(this);
  }

  /** Whether `o` is newer than what this browser has (and records that it now has it). */
  private take(o: BoardObject): boolean {
    const key = `${o.slide}:${o.id}`;
    if ((this.sent.get(key) ?? 0) >= o.v) return false;
    this.sent.set(key, o.v);
    return true;
  }

  /** The frames of one object version: its JSON, and for an image its bytes (transcoded for a small device: later). */
  private framesOf(o: BoardObject): readonly Frame[] | Promise<readonly Frame[]> {
    const json = (body: Readonly<Record<string, unknown>>): string => JSON.stringify({ t: 'obj', slide: o.slide, id: o.id, v: o.v, kind: o.kind, body });
    if (o.kind !== 'image' || !o.image) return [json(o.body)];
    if (!this.small) return [json(o.body), o.image];
    return this.ctx.images.forSmall(this.ctx.edge.presentation, o, this.width).then((img) => [json({ ...o.body, mime: img.mime }), img.bytes]);
  }

  private onMessage(data: Buffer, binary: boolean): void {
    if (this.closed) return;
    const limit = this.role === 'present' ? (binary ? MAX_IMAGE_BYTES : PRESENTER_MAX_TEXT) : VIEWER_MAX_MESSAGE;
    if (data.length > limit) return this.refuse(ErrorCode.WB_MESSAGE_SIZE, `a message of ${data.length} bytes; at most ${limit} here`);
    if (binary) return this.onImageBytes(data);
    if (this.pendingImage) return this.refuse(ErrorCode.WB_IMAGE_FRAME, `image object ${this.pendingImage.id} must be followed by its bytes in one binary frame`);
    const m = parseClientMessage(data.toString('utf8'));
    if ('code' in m) return this.refuse(this.role === undefined ? ErrorCode.WB_HELLO : m.code, m.message);
    if (this.role === undefined) {
      if (m.t !== 'hello') return this.refuse(ErrorCode.WB_HELLO, 'the first message must be a hello');
      return this.onHello(m);
    }
    switch (m.t) {
      case 'hello':
        return this.refuse(ErrorCode.WB_MESSAGE, 'hello was said already');
      case 'view':
        this.ctx.edge.moveInterest(this.slide, m.slide);
        this.slide = m.slide;
        return;
      case 'obj':
      case 'current':
        if (this.role !== 'present') return this.refuse(ErrorCode.WB_NOT_PRESENTER, `a viewer may not send ${m.t}`);
        if (m.t === 'current') return this.ctx.edge.setCurrent(m.slide, this);
        if (m.kind === 'image') {
          this.pendingImage = m;
          return;
        }
        return this.edit(m, undefined);
    }
  }

  private onImageBytes(data: Buffer): void {
    const m = this.pendingImage;
    if (!m) return this.refuse(ErrorCode.WB_IMAGE_FRAME, 'a binary frame must follow an image object');
    this.pendingImage = undefined;
    const problem = imageProblem(data);
    if (problem !== undefined) return this.error(ErrorCode.WB_BODY, problem, m.id);
    this.edit(m, new Uint8Array(data));
  }

  private edit(m: ObjectEdit, image: Uint8Array | undefined): void {
    const o = { slide: m.slide, id: m.id, v: m.v, kind: m.kind, body: m.body, ...(image && { image }) } as BoardObject;
    const refusal = this.ctx.edge.publish(o, m.kind !== 'stroke' || m.final, this);
    if (refusal) return this.error(refusal.code, refusal.message, m.id);
    this.take(o);
  }

  /** A non-fatal refusal of one edit. */
  private error(code: string, message: string, id: number): void {
    this.ctx.stats.refuse(code);
    this.sendMessage({ t: 'error', code, message, id });
  }

  private onHello(h: Hello): void {
    clearTimeout(this.helloTimer);
    if (h.role === 'present') {
      const refusal = this.ctx.admit(h.credential);
      if (refusal !== undefined) return this.refuse(ErrorCode.WB_CREDENTIAL, `the presenter's credential was refused (${refusal})`);
    }
    this.role = h.role;
    this.width = h.width;
    this.small = h.role === 'view' && (h.device === 'small' || h.width < this.ctx.smallWidth);
    const edge = this.ctx.edge;
    edge.browsers.add(this);
    if (h.role === 'present') edge.setPresenter(this);
    const current = edge.model.current();
    this.slide = current ?? 1;
    edge.moveInterest(undefined, this.slide);
    this.sendMessage({
      t: 'welcome',
      session: edge.entry.session,
      presentation: edge.presentation,
      title: edge.entry.title,
      scx: this.ctx.scx,
      role: h.role,
      device: this.small ? 'small' : 'desktop',
      current,
      nextId: edge.model.nextId(),
    });
    this.sendBacklog(this.slide);
  }

  /** The presentation as it is now: slide `first` first, then the others nearest first; each object read when its turn comes. */
  private sendBacklog(first: number): void {
    const order = this.ctx.edge.model.lateJoinOrder(first);
    this.outbox.push({
      pull: () => {
        const next = order.next();
        if (next.done) return undefined;
        const o = this.ctx.edge.model.get(next.value.slide, next.value.id);
        return o && this.take(o) ? this.framesOf(o) : [];
      },
    });
  }
}

/** The bytes of a ws message (a Buffer, an ArrayBuffer, or fragments). */
function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
