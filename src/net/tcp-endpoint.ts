/**
 * A node's TCP side: one listener for control and data connections, and one control connection per pair of
 * nodes shared by every session. When both nodes dial each other at once, both keep the connection dialed by
 * the lower address. A dial that fails is not retried for `redialBackoffMs`; what is sent meanwhile is
 * dropped (Gossamer copes with loss). A node's peers are named by their node address: a control or data hello from
 * anything else is refused, and a peer id that is not one is never dialled (both counted).
 *
 * On a secure node (`trust` given) node links are mutual TLS (see peer-trust.ts): a peer is the node its
 * certificate proves, a control or data hello naming anyone else, or sent in plaintext, is refused; a dialled peer
 * gets nothing until it proved to be the node dialled. Clients may attach in plaintext (their hello is checked by
 * the client links).
 *
 * What strangers get is bounded: a connection past the accept limits is destroyed before a byte of it is read, one
 * without a hello after `helloDeadlineMs` is closed, a control connection's frames past its byte rate are dropped
 * (the connection stays), and a dial to an address that never answered spends the dial budget (refused, it fails
 * like a dial that did not connect). All of it counted.
 */

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ErrorCode } from '../core/errors.ts';
import { AcceptLimits, type AcceptLimitOptions, type AcceptSlot } from './accept-limits.ts';
import { isNodeAddress, parseNodeAddress } from './address.ts';
import type { DialBudget } from './dial-budget.ts';
import { FramedConnection } from './framed-connection.ts';
import type { Guard } from './guard.ts';
import { decodeHello, encodeHello, type Hello } from './hello.ts';
import { startsTls, type PeerTrust } from './peer-trust.ts';
import { EXPORTED_KEY_BYTES, UDP_KEY_LABEL } from './udp-keys.ts';
import { TokenBucket } from './token-bucket.ts';

/** Options of a TCP endpoint. */
export interface TcpEndpointOptions {
  /** This node's address, `host:port`, as peers dial it. */
  readonly self: string;
  /** How long a dial may take, ms (default 3000). */
  readonly connectTimeoutMs?: number;
  /** How long to wait after a failed dial before dialling that peer again, ms (default 1000). */
  readonly redialBackoffMs?: number;
  /** Most bytes queued on a control connection before it is reset, bytes (default 4 MiB). */
  readonly maxControlBacklogBytes?: number;
  /** Bounds on accepted connections: per remote IP, in all, and still without a hello (connections). */
  readonly accept: AcceptLimitOptions;
  /** How long an accepted connection has to send its hello before it is closed, ms. */
  readonly helloDeadlineMs: number;
  /** Control frame bytes (payloads) one control connection may bring a second, bursts up to twice that; bytes/s. */
  readonly controlBytesPerSecond: number;
  /** The node's budget of dials to addresses that never answered; a dial that connects proves its address. */
  readonly dialBudget: DialBudget;
  /** A control frame arrived from `from`. */
  readonly onControl: (from: string, frame: Buffer) => void;
  /** The control connection to `peer` broke (not closed by us): a hint that the peer may be gone. */
  readonly onPeerLost: (peer: string) => void;
  /** A control dial to `peer` was refused by its host (ECONNREFUSED: nothing listens at its address). */
  readonly onPeerRefused: (peer: string) => void;
  /** A peer opened a data connection; `first` are the frames that came in the same read as its hello. */
  readonly onDataConnection: (hello: Extract<Hello, { kind: 'data' }>, conn: FramedConnection, first: Buffer[]) => void;
  /** A client attached to a channel; `first` are the frames that came in the same read as its hello. */
  readonly onClientConnection: (hello: Extract<Hello, { kind: 'client' }>, conn: FramedConnection, first: Buffer[]) => void;
  /** Something worth a log line happened. */
  readonly log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  /** Runs the socket events and timers: an exception in them is counted, never uncaught. */
  readonly guard: Guard;
  /** Mutual TLS under the node's overlay (default: none, plaintext: insecure). */
  readonly trust?: PeerTrust;
  /** A verified control connection to `peer` exported keying material for UDP (secure nodes only). */
  readonly onLinkKey?: (peer: string, material: Buffer) => void;
  /** Wraps the handler of a control connection's frames from `peer` (the link emulator delays them); default: none. */
  readonly receiveStream?: (peer: string, conn: FramedConnection, handle: (frames: Buffer[]) => void) => (frames: Buffer[]) => void;
}

/** Failed dials remembered before expired ones are swept (each expires after `redialBackoffMs`). */
const FAILED_SWEEP_SIZE = 1024;

/** Why a connection we closed ourselves went away (FramedConnection.end's reason, resetControl's). */
const ENDED = 'ended';
const RESET = 'peer reported dead';

interface Control {
  readonly conn: FramedConnection;
  readonly dialer: string;
}

/** A dialled connection: what frames are read from, and the TCP socket under it. */
interface Dialled {
  readonly socket: Socket;
  readonly tcp: Socket;
}

/** The TCP listener and control connections of one node. */
export class TcpEndpoint {
  private server: Server | undefined;
  private readonly controls = new Map<string, Control>();
  private readonly failedAt = new Map<string, number>();
  private readonly accepted = new Set<FramedConnection>();
  private readonly o: Required<Omit<TcpEndpointOptions, 'trust' | 'onLinkKey' | 'receiveStream'>> & Pick<TcpEndpointOptions, 'trust' | 'onLinkKey' | 'receiveStream'>;
  /** Accepted connections open and pending, and those refused at accept by reason. */
  readonly acceptLimits: AcceptLimits;
  /** Connections refused at their hello or TLS check, by code (a WireCode, ERR_NODE_ADDRESS_INVALID, or a LinkRefusal). */
  readonly refusedHellos = new Map<string, number>();
  /** Dials not made: the peer id is not a node address (what was to be sent is dropped). */
  badAddresses = 0;
  /** Control frames dropped: their connection was over `controlBytesPerSecond`. */
  controlFramesDropped = 0;

  constructor(options: TcpEndpointOptions) {
    this.o = { connectTimeoutMs: 3000, redialBackoffMs: 1000, maxControlBacklogBytes: 4 * 1024 * 1024, ...options };
    this.acceptLimits = new AcceptLimits(options.accept);
  }

  /** Starts listening on `host:port`. */
  async listen(host: string, port: number): Promise<void> {
    const server = createServer(this.o.guard.wrap('accept', (socket: Socket) => this.accept(socket)));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log('warn', 'listener error', { error: err.message }));
  }

  /** Sends one control frame to `peer`, dialling it if needed. False when it had to be dropped. */
  sendControl(peer: string, frame: Uint8Array): boolean {
    const c = this.controls.get(peer) ?? this.dialControl(peer);
    if (!c) return false;
    if (c.conn.backlog > this.o.maxControlBacklogBytes) {
      c.conn.destroy('control backlog over the limit');
      return false;
    }
    return c.conn.writeFrames([frame]);
  }

  /** Drops the control connection to `peer` (it failed); the next send dials afresh. */
  resetControl(peer: string): void {
    this.controls.get(peer)?.conn.destroy(RESET);
  }

  /** Dials a data connection to `peer` for one channel of one session; undefined if `peer` is not a node address. */
  dialData(peer: string, sessionId: Uint8Array, channel: number, onClose: (why: string) => void): FramedConnection | undefined {
    const d = this.dial(peer, 'data');
    if (!d) return undefined;
    const conn = this.dialledConnection(peer, d, false, onClose);
    conn.writeFrames([encodeHello({ kind: 'data', from: this.o.self, sessionId, channel })]);
    return conn;
  }

  /** Peers with a control connection now. */
  controlPeers(): string[] {
    return [...this.controls.keys()];
  }

  /** Ends every connection gracefully (queued frames are sent first) and stops listening. */
  async close(): Promise<void> {
    for (const c of [...this.controls.values()]) c.conn.end();
    for (const conn of [...this.accepted]) conn.end();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Opens a connection to `peer`; undefined (counted) if it is not a node address, or if it never answered and the
   * dial budget is spent (then it counts as a failed dial for the redial backoff).
   */
  private dial(peer: string, kind: 'control' | 'data'): Dialled | undefined {
    const a = parseNodeAddress(peer);
    if (!a) {
      this.badAddresses++;
      return undefined;
    }
    if (!this.o.dialBudget.allow(peer)) {
      this.dialFailed(peer);
      return undefined;
    }
    const trust = this.o.trust;
    const d = trust ? trust.dial(a.host, a.port, kind) : { tls: undefined, tcp: connect({ host: a.host, port: a.port }) };
    const socket = d.tls ?? d.tcp;
    socket.setTimeout(this.o.connectTimeoutMs, () => socket.destroy(new Error('connect timed out')));
    socket.once(d.tls ? 'secureConnect' : 'connect', () => socket.setTimeout(0));
    d.tcp.once('connect', () => this.o.dialBudget.prove(peer));
    return { socket, tcp: d.tcp };
  }

  /** A dialled connection; on a secure node it sends nothing until the peer proved to be `peer` (else it is refused). */
  private dialledConnection(peer: string, d: Dialled, control: boolean, onClose: (why: string) => void): FramedConnection {
    const trust = this.o.trust;
    const conn = new FramedConnection(d.socket, onClose, this.o.guard, { tcp: d.tcp, held: trust !== undefined });
    if (trust) {
      d.socket.once('secureConnect', this.o.guard.wrap('peer check', () => {
        const c = trust.check(d.socket as TLSSocket, peer);
        if (!c.ok) return this.refuse(conn, c.code, c.reason);
        if (control) this.linkKey(peer, d.socket as TLSSocket);
        conn.release();
      }));
    }
    return conn;
  }

  /** A dial to `peer` failed: no control dial to it for `redialBackoffMs`. Entries past it are swept, so the map stays small. */
  private dialFailed(peer: string): void {
    const now = performance.now();
    if (this.failedAt.size >= FAILED_SWEEP_SIZE) {
      for (const [p, at] of this.failedAt) if (now - at >= this.o.redialBackoffMs) this.failedAt.delete(p);
    }
    this.failedAt.set(peer, now);
  }

  private dialControl(peer: string): Control | undefined {
    const failed = this.failedAt.get(peer);
    if (failed !== undefined && performance.now() - failed < this.o.redialBackoffMs) return undefined;
    let connected = false;
    let refused = false;
    const d = this.dial(peer, 'control');
    if (!d) return undefined;
    d.tcp.once('connect', () => {
      connected = true;
      this.failedAt.delete(peer);
    });
    // Before the connection's own error listener, which closes it: the close below then knows why.
    d.socket.once('error', (err: NodeJS.ErrnoException) => (refused = err.code === 'ECONNREFUSED'));
    const conn: FramedConnection = this.dialledConnection(peer, d, true, (why) => {
      if (!connected) this.dialFailed(peer);
      this.dropControl(peer, conn, why);
      if (!connected && refused) this.o.onPeerRefused(peer);
    });
    conn.onFrames(this.controlHandler(peer, conn));
    conn.writeFrames([encodeHello({ kind: 'control', from: this.o.self })]);
    const c = { conn, dialer: this.o.self };
    this.controls.set(peer, c);
    return c;
  }

  /**
   * An accepted TCP connection, past the accept limits. On a secure node its first bytes say whether it is TLS (a
   * node, or a client) or plaintext (a client only); the hello deadline runs from accept, TLS handshake included.
   */
  private accept(tcp: Socket): void {
    const slot = this.acceptLimits.admit(tcp.remoteAddress ?? '');
    if (typeof slot === 'string') {
      this.o.log('warn', 'refused a connection at accept', { reason: slot, remote: tcp.remoteAddress });
      tcp.destroy();
      return;
    }
    let conn: FramedConnection | undefined;
    const deadline = setTimeout(this.o.guard.wrap('hello deadline', () => (conn ? conn.destroy('no hello in time') : tcp.destroy())), this.o.helloDeadlineMs);
    const trust = this.o.trust;
    if (!trust) {
      conn = this.acceptedConnection(tcp, tcp, slot, deadline);
      return;
    }
    const gone = (): void => {
      clearTimeout(deadline);
      slot.release();
    };
    const ignore = (): void => {};
    tcp.on('error', ignore);
    tcp.once('close', gone);
    tcp.once('data', this.o.guard.wrap('first bytes', (chunk: Buffer) => {
      tcp.off('close', gone);
      tcp.pause();
      tcp.unshift(chunk);
      if (startsTls(chunk)) {
        conn = this.acceptedConnection(trust.serve(tcp), tcp, slot, deadline);
        return;
      }
      tcp.off('error', ignore);
      conn = this.acceptedConnection(tcp, tcp, slot, deadline);
      tcp.resume();
    }));
  }

  /** An accepted connection's frames: its hello first (refused unless its peer proved to be the node it names). */
  private acceptedConnection(socket: Socket, tcp: Socket, slot: AcceptSlot, deadline: NodeJS.Timeout): FramedConnection {
    let hello: Hello | undefined;
    const conn = new FramedConnection(socket, (why) => {
      clearTimeout(deadline);
      slot.release();
      this.accepted.delete(conn);
      if (hello?.kind === 'control') this.dropControl(hello.from, conn, why);
    }, this.o.guard, { tcp });
    this.accepted.add(conn);
    conn.onFrames((frames) => {
      const decoded = decodeHello(frames[0] as Buffer);
      clearTimeout(deadline);
      slot.handshaken();
      if (!decoded.ok) return this.refuse(conn, decoded.code, decoded.reason);
      const first = decoded.value;
      if (first.kind !== 'client') {
        if (!isNodeAddress(first.from)) {
          return this.refuse(conn, ErrorCode.NODE_ADDRESS_INVALID, `a ${first.kind} hello from ${JSON.stringify(first.from.slice(0, 80))}, not a node's host:port`);
        }
        const trust = this.o.trust;
        if (trust && socket === tcp) return this.refuse(conn, 'ERR_PEER_PLAINTEXT', `a ${first.kind} hello from ${first.from} without TLS`);
        const c = trust?.check(socket as TLSSocket, first.from);
        if (c && !c.ok) return this.refuse(conn, c.code, `a ${first.kind} hello from ${first.from}: ${c.reason}`);
        if (c && first.kind === 'control') this.linkKey(first.from, socket as TLSSocket);
      }
      hello = first;
      if (first.kind === 'data') return this.o.onDataConnection(first, conn, frames.slice(1));
      if (first.kind === 'client') return this.o.onClientConnection(first, conn, frames.slice(1));
      this.adoptControl(first.from, conn);
      const handle = this.controlHandler(first.from, conn);
      conn.onFrames(handle);
      if (frames.length > 1) handle(frames.slice(1));
    });
    return conn;
  }

  /** Hands on the UDP keying material of a verified control connection to `peer`. */
  private linkKey(peer: string, tls: TLSSocket): void {
    this.o.onLinkKey?.(peer, tls.exportKeyingMaterial(EXPORTED_KEY_BYTES, UDP_KEY_LABEL, Buffer.alloc(0)));
  }

  /** Closes a connection whose hello is refused: counted by code, and a (rate-limited) log line. */
  private refuse(conn: FramedConnection, code: string, reason: string): void {
    this.refusedHellos.set(code, (this.refusedHellos.get(code) ?? 0) + 1);
    this.o.log('warn', 'refused a connection', { code, reason, remote: conn.socket.remoteAddress });
    conn.destroy(reason);
  }

  /** An incoming control connection: keep the one dialed by the lower address (both ends agree). */
  private adoptControl(peer: string, conn: FramedConnection): void {
    const mine = this.controls.get(peer);
    if (!mine || mine.conn.isClosed || peer < mine.dialer) {
      this.controls.set(peer, { conn, dialer: peer });
      mine?.conn.end();
    }
  }

  private dropControl(peer: string, conn: FramedConnection, why: string): void {
    const c = this.controls.get(peer);
    if (c?.conn !== conn) return;
    this.controls.delete(peer);
    this.o.log('info', 'control connection closed', { peer, why });
    if (why !== ENDED && why !== RESET) this.o.onPeerLost(peer);
  }

  /** Who takes a control connection's frames from `peer`: its byte rate, then `onControl` (through `receiveStream` if given). */
  private controlHandler(peer: string, conn: FramedConnection): (frames: Buffer[]) => void {
    const rate = new TokenBucket(this.o.controlBytesPerSecond, 2 * this.o.controlBytesPerSecond);
    const handle = (frames: Buffer[]): void => this.controlFrames(peer, rate, frames);
    return this.o.receiveStream?.(peer, conn, handle) ?? handle;
  }

  /** Hands a control connection's frames on, but those past its byte rate (dropped: counted, a rate-limited log line). */
  private controlFrames(peer: string, rate: TokenBucket, frames: Buffer[]): void {
    let dropped = 0;
    for (const f of frames) {
      if (rate.take(f.length)) this.o.onControl(peer, f);
      else dropped++;
    }
    if (dropped === 0) return;
    this.controlFramesDropped += dropped;
    this.o.log('warn', 'dropped control frames over the byte rate', { peer, dropped, total: this.controlFramesDropped });
  }
}
