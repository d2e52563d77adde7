/**
 * A hostile peer on loopback: raw TCP connections and UDP datagrams to a node, and sinks that stand in for the
 * peers it dials back (so that it never sends to a port this test does not own). A connection may come from an
 * outsider (plaintext) or from a member of the node's overlay (TLS with a credential for the id it claims).
 */

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import { memberCredentials, type TlsCredentials } from './member.ts';

/** How long one connection may take to be read and closed by the node, ms. */
const CONNECTION_TIMEOUT_MS = 3000;

/** Who opens a connection: an outsider (undefined: plaintext), the overlay's member of that id, or TLS credentials given. */
export type Opener = string | TlsCredentials | undefined;

/** A connection to `port` from `localAddress`, as `member` (see Opener). */
function open(port: number, member: Opener, localAddress = '127.0.0.1'): Socket {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  if (member === undefined) return socket;
  return tlsConnect({ socket, ...(typeof member === 'string' ? memberCredentials(member) : member), rejectUnauthorized: false });
}

/**
 * Opens a connection to `port` (as member `member`, see open), writes `bytes` (frames, or anything), ends it and
 * waits until it is closed (what the node sends back is dropped).
 */
export function sendTcpBytes(port: number, bytes: Uint8Array, member?: Opener): Promise<void> {
  return new Promise((resolve) => {
    const socket = open(port, member);
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), CONNECTION_TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end(bytes);
  });
}

/** Opens a connection to `port` (as member `member`, see open) and sends `frames`, each length-prefixed (the first one a hello, say). */
export function sendTcpFrames(port: number, frames: readonly Uint8Array[], member?: Opener): Promise<void> {
  return sendTcpBytes(port, encodeFrames(frames), member);
}

/** A UDP socket on loopback that sends datagrams to one port. */
export class UdpSender {
  private readonly socket: UdpSocket = createSocket('udp4');

  constructor(private readonly port: number) {
    this.socket.on('error', () => undefined);
  }

  /** Sends one datagram. */
  send(datagram: Uint8Array): Promise<void> {
    return new Promise((resolve) => this.socket.send(datagram, this.port, '127.0.0.1', () => resolve()));
  }

  close(): void {
    this.socket.close();
  }
}

/** Loopback ports that take and drop whatever comes, on TCP and UDP: peers that exist but say nothing. */
export interface Sinks {
  /** Their addresses, `127.0.0.1:port`. */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

/** Opens `n` sinks on free loopback ports. */
export async function openSinks(n: number): Promise<Sinks> {
  const servers: Server[] = [];
  const udps: UdpSocket[] = [];
  const sockets = new Set<Socket>();
  for (let i = 0; i < n; i++) {
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
      s.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', () => resolve());
    });
    udp.on('error', () => undefined);
    servers.push(server);
    udps.push(udp);
  }
  return {
    addresses: servers.map((s) => `127.0.0.1:${(s.address() as { port: number }).port}`),
    async close() {
      for (const s of sockets) s.destroy();
      for (const u of udps) u.close();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** A raw connection a hostile peer holds open. */
export interface HeldConnection {
  readonly socket: Socket;
  /** Resolves when the connection is closed (by the node, or by the test), with how long it was connected, ms. */
  readonly closed: Promise<number>;
}

/** Opens a connection to `port` from `localAddress` (any loopback address 127.x.y.z; as member `member`, see open), writes `bytes` and holds it open. */
export function holdTcp(port: number, bytes: Uint8Array, localAddress = '127.0.0.1', member?: Opener): HeldConnection {
  const socket = open(port, member, localAddress);
  let at = performance.now();
  socket.once(member === undefined ? 'connect' : 'secureConnect', () => {
    at = performance.now();
    if (bytes.length > 0) socket.write(bytes);
  });
  socket.on('error', () => undefined);
  socket.resume();
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve(performance.now() - at))) };
}
