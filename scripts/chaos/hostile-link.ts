/**
 * One connection of a forger to a node, from the bench's address: an outsider's (plaintext) or one over TLS with
 * the credentials given (a malicious member's, valid in the nodes' overlay, or a stranger's, from another overlay).
 * It writes its frames, holds the connection and tells whether the node closed it (a refused hello) or kept it.
 */

import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import type { TlsCredentials } from '../../test/support/member.ts';
import { sleep } from './wait.ts';

export class HostileLink {
  /** Bytes the node sent back on this connection (TLS records included). */
  received = 0;
  private closedAt: number | undefined;
  private endedByUs = false;
  private readonly socket: Socket;
  readonly closed: Promise<void>;

  /** Connects to `host:port`, over TLS with `tls` if given, and writes `frames` (the first one a hello). */
  constructor(host: string, port: number, tls: TlsCredentials | undefined, frames: readonly Uint8Array[] = []) {
    const tcp = connect({ host, port });
    this.socket = tls === undefined ? tcp : tlsConnect({ socket: tcp, ...tls, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    this.socket.on('error', () => undefined);
    this.socket.on('data', (b: Buffer) => (this.received += b.length));
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.closedAt ??= Date.now();
        resolve();
      }),
    );
    if (frames.length > 0) this.write(frames);
  }

  /** Writes more frames (dropped once the connection is gone). */
  write(frames: readonly Uint8Array[]): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrames(frames));
  }

  /** Whether the node closed the connection before we did. */
  get closedByNode(): boolean {
    return this.closedAt !== undefined && !this.endedByUs;
  }

  /** Waits up to `ms` for the node to close it; true if it did. */
  async refusedWithin(ms: number): Promise<boolean> {
    await Promise.race([this.closed, sleep(ms)]);
    return this.closedByNode;
  }

  /** Ends it gracefully (what was written is sent first) and waits, at most `ms`, until it is closed. */
  async end(ms = 2000): Promise<void> {
    if (this.closedAt === undefined) this.endedByUs = true;
    this.socket.end();
    await Promise.race([this.closed, sleep(ms)]);
    this.socket.destroy();
  }
}
