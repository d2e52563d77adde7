import type { Socket } from 'node:net';
import { FrameDecoder, FrameTooLarge, encodeFrames } from './frame-decoder.ts';
import type { Guard } from './guard.ts';

/** Largest frame a peer may send, bytes (64 KiB of payload plus headers). */
export const MAX_FRAME_BYTES = 70 * 1024;

/**
 * After this many bytes a connection yields the event loop for a turn. libuv reads a readable socket up to 32
 * times (2 MiB) per turn and each read is relayed at once, so without a budget a few saturated connections make
 * one turn last hundreds of ms: every other connection, timer and accept waits that long.
 */
const READ_BUDGET_BYTES = 64 * 1024;

/** How a connection sits on its socket. */
export interface FramedConnectionOptions {
  /** The TCP socket under `socket` when that is a TLS socket: what a reset resets (default: `socket` itself). */
  readonly tcp?: Socket;
  /** Hold what is written until `release()` (a TLS dial whose peer is not yet verified); default false. */
  readonly held?: boolean;
}

/**
 * A TCP (or TLS) socket that speaks length-prefixed frames; each read hands over all the frames it completed at once.
 * On a node, its socket events run through the node's guard, so that whoever takes the frames cannot crash it; a
 * client's connection has none (its application's exceptions are its own).
 */
export class FramedConnection {
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES);
  private onFramesCb: (frames: Buffer[]) => void = () => {};
  private closed = false;
  /** Bytes read since the socket last yielded; past the budget it pauses until the next turn. */
  private readSinceYield = 0;
  /** Reading held by whoever takes the frames (`pauseReading`): the read budget does not resume it. */
  private readHeld = false;
  /** What was written while held (see FramedConnectionOptions.held), and its bytes. */
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private readonly tcp: Socket;

  constructor(
    readonly socket: Socket,
    /** Called once when the connection is gone, with why. */
    private readonly onClose: (why: string) => void,
    guard?: Guard,
    options: FramedConnectionOptions = {},
  ) {
    this.tcp = options.tcp ?? socket;
    if (options.held) this.held = [];
    const guarded = <A extends unknown[]>(where: string, fn: (...args: A) => void): ((...args: A) => void) => (guard ? guard.wrap(where, fn) : fn);
    socket.setNoDelay(true);
    socket.on('data', guarded('connection read', (chunk: Buffer) => {
      this.readSinceYield += chunk.length;
      if (this.readSinceYield >= READ_BUDGET_BYTES && !socket.isPaused()) {
        socket.pause();
        setImmediate(() => {
          this.readSinceYield = 0;
          // Even once ended: a half-closed socket must still read, or the peer's FIN is never seen and it never closes.
          if (!this.readHeld) socket.resume();
        });
      }
      let frames: Buffer[];
      try {
        frames = this.decoder.push(chunk);
      } catch (err) {
        this.destroy(err instanceof FrameTooLarge ? err.message : 'bad framing');
        return;
      }
      if (frames.length > 0) this.onFramesCb(frames);
    }));
    socket.on('error', guarded('connection error', (err: Error) => this.destroy(err.message)));
    socket.on('close', guarded('connection close', () => {
      if (!this.closed) this.destroy('closed by peer');
    }));
  }

  /** Sets who takes the frames of each read. */
  onFrames(cb: (frames: Buffer[]) => void): void {
    this.onFramesCb = cb;
  }

  /** Stops reading until `resumeReading` (whoever takes the frames holds too many): TCP backpressure on the peer. */
  pauseReading(): void {
    this.readHeld = true;
    this.socket.pause();
  }

  /** Reads again after `pauseReading` (even once ended: see the read budget). */
  resumeReading(): void {
    this.readHeld = false;
    this.socket.resume();
  }

  /** Whether the connection is gone. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes written but not yet taken by the kernel (held ones included). */
  get backlog(): number {
    return this.socket.writableLength + this.heldBytes;
  }

  /** Writes frames in one write; false when the connection is closed. */
  writeFrames(payloads: readonly Uint8Array[]): boolean {
    if (this.closed || payloads.length === 0) return !this.closed;
    this.send(encodeFrames(payloads));
    return true;
  }

  /** Writes bytes already framed (see encodeFrames), in one write. */
  writeRaw(bytes: Uint8Array): void {
    if (!this.closed) this.send(bytes);
  }

  /** Sends what was held, in one write, and writes straight through from now on. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    this.heldBytes = 0;
    if (held && held.length > 0 && !this.closed) this.socket.write(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
  }

  private send(bytes: Uint8Array): void {
    if (!this.held) {
      this.socket.write(bytes);
      return;
    }
    this.held.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.heldBytes += bytes.byteLength;
  }

  /** Sends what is queued, then closes. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    this.onClose('ended');
  }

  /** Closes at once with a TCP reset: what is still queued, here or in the kernel, is dropped, never sent late. */
  reset(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.tcp.resetAndDestroy();
    if (this.tcp !== this.socket) this.socket.destroy();
    this.onClose(why);
  }

  /** Closes at once. */
  destroy(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(why);
  }
}
