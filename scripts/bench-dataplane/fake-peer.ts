/**
 * A light fake SCX that speaks the real node-to-node protocol to the SCX under test: a TCP listener and a UDP
 * socket on one port (its advertised address), a control connection carrying GOSSAMER frames of real encoded
 * messages (CONNECT, ROUTE_UPDATE, KEEPALIVE every second, answers to PING/REQUEST_STATUS/DISCOVERY), UDP echo
 * of the SCX's probe PINGs (so the SCX can measure the link and use our routes), and data connections in and out.
 *
 * Against a secure SCX the fake is a member of its overlay (security.ts): it dials and serves mutual TLS through
 * PeerTrust and checks the SCX's certificate as a node does (the peer must prove the id dialled, or the id its hello
 * names), and seals and opens UDP DATA datagrams with UdpKeys keyed from its TLS control connection's exporter.
 * A plaintext connection to a secure fake is refused, as a secure node refuses a node's plaintext hello.
 */

import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { TLSSocket } from 'node:tls';
import { decodeControlFrame } from '../../src/net/control-frame.ts';
import { FrameDecoder } from '../../src/net/frame-decoder.ts';
import { MAX_FRAME_BYTES } from '../../src/net/framed-connection.ts';
import { decodeHello } from '../../src/net/hello.ts';
import { startsTls } from '../../src/net/peer-trust.ts';
import { UdpType } from '../../src/net/udp-endpoint.ts';
import { EXPORTED_KEY_BYTES, UDP_KEY_LABEL, UdpKeys } from '../../src/net/udp-keys.ts';
import { decodeMessage } from '../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType, type Message, type RouteAdvert } from '../../src/gossamer/wire/messages.ts';
import type { Member } from './security.ts';
import { gossamerControlFrame, helloFrame } from './wire.ts';

/** What a data connection said in its hello. */
export interface DataHello {
  readonly from: string;
  readonly sessionHex: string;
  readonly channel: number;
}

/** Given a new incoming data connection, returns what takes its bytes (after the hello). */
export type DataSink = (hello: DataHello) => (chunk: Buffer) => void;

interface FakeSession {
  readonly id: Buffer;
  readonly routes: readonly RouteAdvert[];
  up: boolean;
  connectSentAt: number;
}

/** Counters of one fake, for diagnostics. */
export interface FakeStats {
  disconnects: number;
  refused: number;
  controlMessages: number;
  malformed: number;
  pingsEchoed: number;
  /** TLS connections whose peer did not prove the id it named or was dialled as. */
  tlsRefused: number;
  /** UDP DATA datagrams dropped: their tag did not verify (or no key yet); and not sent: no key yet. */
  unauthenticated: number;
  unkeyed: number;
}

const KEEPALIVE_MS = 1000;
const CONNECT_RETRY_MS = 1000;

export class FakePeer {
  readonly address: string;
  readonly stats: FakeStats = { disconnects: 0, refused: 0, controlMessages: 0, malformed: 0, pingsEchoed: 0, tlsRefused: 0, unauthenticated: 0, unkeyed: 0 };
  /** The UDP keys of its links (secure only). */
  private readonly udpKeys: UdpKeys | undefined;
  /** Takes incoming data connections (default: bytes are discarded). */
  dataSink: DataSink | undefined;
  /** Takes incoming UDP DATA datagrams (type byte included). */
  udpSink: ((datagram: Buffer) => void) | undefined;
  private readonly sessions = new Map<string, FakeSession>();
  private readonly sockets = new Set<Socket>();
  private control: Socket | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    readonly label: string,
    readonly port: number,
    private readonly scx: string,
    private readonly server: Server,
    private readonly udp: UdpSocket,
    /** Its membership of the SCX's overlay; undefined against an insecure SCX (plaintext). */
    readonly member: Member | undefined,
  ) {
    this.address = `127.0.0.1:${port}`;
    this.udpKeys = member && new UdpKeys(this.address);
    server.on('connection', (s) => this.accept(s));
    udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.port, rinfo.address));
    this.timer = setInterval(() => this.tick(), KEEPALIVE_MS);
  }

  /** Opens a TCP listener and a UDP socket on one free loopback port; `member(id)` makes it a member (secure SCX). */
  static async create(label: string, scx: string, member?: (id: string) => Member): Promise<FakePeer> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const port = (server.address() as { port: number }).port;
      const udp = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
      const bound = await new Promise<boolean>((resolve) => {
        udp.once('error', () => resolve(false));
        udp.bind(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) {
        udp.on('error', () => undefined);
        return new FakePeer(label, port, scx, server, udp, member?.(`127.0.0.1:${port}`));
      }
      try {
        udp.close();
      } catch {
        // never bound
      }
      server.close();
    }
    throw new Error(`${label}: no free port for TCP and UDP together`);
  }

  /** Dials the control connection to the SCX (shared by every session). */
  async connectControl(): Promise<void> {
    const s = await this.dial(this.scx, 'control');
    this.control = s;
    this.linkKey(this.scx, s);
    this.readControl(s, Buffer.alloc(0));
    s.on('close', () => {
      if (this.control === s) this.control = undefined;
    });
    s.write(helloFrame({ kind: 'control', from: this.address }));
  }

  /** Joins a session: CONNECT now (retried each second until accepted), then these routes are advertised. */
  join(sessionId: Buffer, routes: readonly RouteAdvert[]): void {
    const s: FakeSession = { id: sessionId, routes, up: false, connectSentAt: performance.now() };
    this.sessions.set(sessionId.toString('hex'), s);
    this.send(s, { type: MessageType.CONNECT, intent: ConnectIntent.FILL });
  }

  /** Sessions whose mesh edge to the SCX is up. */
  edgesUp(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.up) n++;
    return n;
  }

  /** Dials a data connection for one channel of one session to `target` and sends the hello. */
  async dialData(target: string, sessionId: Uint8Array, channel: number): Promise<Socket> {
    const s = await this.dial(target, 'data');
    s.on('data', () => undefined);
    s.write(helloFrame({ kind: 'data', from: this.address, sessionId, channel }));
    keepAlive(s);
    return s;
  }

  /** Sends one datagram from this fake's port (its advertised address), sealed for the SCX when secure. */
  sendUdp(datagram: Buffer, port: number): void {
    if (this.closed) return;
    const keys = this.udpKeys;
    const out = keys ? keys.seal(this.scx, datagram) : datagram;
    if (out) this.udp.send(out, port, '127.0.0.1');
    else this.stats.unkeyed++;
  }

  /** Closes every socket and the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const s of this.sockets) s.destroy();
    this.server.close();
    this.udp.close();
  }

  /** Dials `target`: plaintext, or (a member) TLS whose peer must prove to be `target`, as a node's dial does. */
  private async dial(target: string, kind: 'control' | 'data'): Promise<Socket> {
    const i = target.lastIndexOf(':');
    const host = target.slice(0, i);
    const port = Number(target.slice(i + 1));
    const m = this.member;
    const d = m?.trust.dial(host, port, kind);
    const s: Socket = d ? d.tls : connect({ host, port });
    if (d) this.track(d.tcp);
    this.track(s);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: dial ${target} timed out`)), 5000);
      s.once(d ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        const c = d && m?.trust.check(d.tls, target);
        if (c && !c.ok) {
          this.stats.tlsRefused++;
          s.destroy();
          reject(new Error(`${this.label}: ${target} refused: ${c.code} (${c.reason})`));
          return;
        }
        resolve();
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return s;
  }

  private track(s: Socket): void {
    s.setNoDelay(true);
    this.sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  /** An accepted connection: plaintext (insecure), or TLS whose peer is checked against its hello (secure). */
  private accept(tcp: Socket): void {
    this.track(tcp);
    const m = this.member;
    if (!m) return this.readHello(tcp, undefined);
    tcp.once('data', (chunk: Buffer) => {
      tcp.pause();
      tcp.unshift(chunk);
      if (!startsTls(chunk)) {
        this.stats.tlsRefused++;
        tcp.destroy();
        return;
      }
      const tls = m.trust.serve(tcp);
      this.track(tls);
      this.readHello(tls, tls);
    });
  }

  /** Reads a connection's hello, then hands the connection on (control, or a data sink). */
  private readHello(s: Socket, tls: TLSSocket | undefined): void {
    let buf: Buffer = Buffer.alloc(0);
    const first = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const len = buf.readUInt32BE(0);
      if (len > 1024) return void s.destroy();
      if (buf.length < 4 + len) return;
      s.off('data', first);
      const decoded = decodeHello(buf.subarray(4, 4 + len));
      const rest = buf.subarray(4 + len);
      if (!decoded.ok) return void s.destroy();
      const hello = decoded.value;
      if (tls && hello.kind !== 'client') {
        const c = this.member?.trust.check(tls, hello.from);
        if (c && !c.ok) {
          this.stats.tlsRefused++;
          return void s.destroy();
        }
      }
      if (hello.kind === 'control') {
        if (tls) this.linkKey(hello.from, tls);
        return this.readControl(s, rest);
      }
      const take = this.dataSink?.({ from: hello.from, sessionHex: Buffer.from(hello.sessionId).toString('hex'), channel: hello.channel });
      const sink = take ?? ((): void => undefined);
      s.on('data', sink);
      keepAlive(s);
      if (rest.length > 0) sink(rest);
    };
    s.on('data', first);
  }

  private readControl(s: Socket, rest: Buffer): void {
    const decoder = new FrameDecoder(MAX_FRAME_BYTES);
    const onChunk = (chunk: Buffer): void => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch {
        return void s.destroy();
      }
      for (const f of frames) this.onControlFrame(f);
    };
    s.on('data', onChunk);
    if (rest.length > 0) onChunk(rest);
  }

  private onControlFrame(frame: Buffer): void {
    const decoded = decodeControlFrame(frame);
    if (!decoded.ok || decoded.value.type !== 'gossamer') return;
    const f = decoded.value;
    const s = this.sessions.get(f.sessionId.toString('hex'));
    if (!s) return;
    const d = decodeMessage(f.data);
    if (!d.ok) {
      this.stats.malformed++;
      return;
    }
    this.stats.controlMessages++;
    const m = d.value;
    switch (m.type) {
      case MessageType.CONNECT_ACK:
        if (!m.accepted) {
          this.stats.refused++;
          return;
        }
        if (s.up) return;
        s.up = true;
        return this.send(s, { type: MessageType.ROUTE_UPDATE, full: true, routes: s.routes, withdrawn: [] });
      case MessageType.PING:
        return this.send(s, { type: MessageType.PONG, nonce: m.nonce });
      case MessageType.REQUEST_STATUS:
        return this.send(s, { type: MessageType.STATUS, nonce: m.nonce, canAccept: false, canEvict: false, routes: s.routes });
      case MessageType.DISCOVERY:
        return this.send(s, { type: MessageType.DISCOVERY_RESPONSE, known: [] });
      case MessageType.CONNECT:
        return this.send(s, { type: MessageType.CONNECT_ACK, accepted: false, alternatives: [] });
      case MessageType.DISCONNECT:
        this.stats.disconnects++;
        s.up = false;
        return;
      default:
        return;
    }
  }

  private send(s: FakeSession, msg: Message): void {
    if (msg.type === MessageType.CONNECT) s.connectSentAt = performance.now();
    this.control?.write(gossamerControlFrame(s.id, msg));
  }

  /** Every second: KEEPALIVE on each edge that is up, CONNECT again where none is. */
  private tick(): void {
    const c = this.control;
    if (!c) return;
    const now = performance.now();
    const frames: Buffer[] = [];
    for (const s of this.sessions.values()) {
      if (s.up) frames.push(gossamerControlFrame(s.id, { type: MessageType.KEEPALIVE }));
      else if (now - s.connectSentAt >= CONNECT_RETRY_MS) {
        s.connectSentAt = now;
        frames.push(gossamerControlFrame(s.id, { type: MessageType.CONNECT, intent: ConnectIntent.FILL }));
      }
    }
    if (frames.length > 0) c.write(Buffer.concat(frames));
  }

  private onDatagram(msg: Buffer, port: number, host: string): void {
    if (msg[0] === UdpType.PING && msg.length === 13) {
      const echo = Buffer.from(msg);
      echo[0] = UdpType.ECHO;
      this.stats.pingsEchoed++;
      this.udp.send(echo, port, host);
      return;
    }
    if (msg[0] !== UdpType.DATA) return;
    const keys = this.udpKeys;
    if (!keys) return this.udpSink?.(msg);
    const opened = keys.open(`${host}:${port}`, msg);
    if (opened) this.udpSink?.(opened);
    else this.stats.unauthenticated++;
  }

  /** A verified TLS control connection to `peer`: the UDP keys of the link, from its exporter (as TcpEndpoint does). */
  private linkKey(peer: string, s: Socket): void {
    if (this.udpKeys && 'exportKeyingMaterial' in s) {
      this.udpKeys.set(peer, (s as TLSSocket).exportKeyingMaterial(EXPORTED_KEY_BYTES, UDP_KEY_LABEL, Buffer.alloc(0)));
    }
  }
}

/** An empty frame every DATA_KEEPALIVE_MS, as both ends of a real data connection send (src/daemon/data-watchdog.ts): the SCX resets one it hears nothing on. */
const DATA_KEEPALIVE_MS = 300;
const KEEPALIVE_FRAME = Buffer.alloc(4);

function keepAlive(s: Socket): void {
  const timer = setInterval(() => s.write(KEEPALIVE_FRAME), DATA_KEEPALIVE_MS);
  s.once('close', () => clearInterval(timer));
}
