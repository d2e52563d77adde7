/**
 * A node's UDP socket, bound to the same `host:port` as its TCP listener, so a datagram's source names the
 * sending node. It carries the probe module's PING/ECHO and the data of UDP channels:
 * `[type u8][body]`, type 1 PING and 2 ECHO (a probe packet, probe-packet.ts), type 16 DATA (a data packet).
 * A send to a peer id that is not a node address is dropped and counted, never thrown. On a secure node a DATA
 * datagram carries a tag (udp-keys.ts): one without a key to its peer, or whose tag does not verify, is dropped
 * and counted. Probes carry none: an ECHO counts only with the nonce of our PING, and answers none.
 */

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { formatAddress, parseNodeAddress, type Address } from './address.ts';
import type { Guard } from './guard.ts';
import { decodeProbePacket, encodeProbePacket, ProbeType, type ProbeTypeValue } from './probe-packet.ts';
import type { UdpKeys } from './udp-keys.ts';

/** Datagram types. */
export const UdpType = { ...ProbeType, DATA: 16 } as const;

/** Options of a UDP endpoint. */
export interface UdpEndpointOptions {
  /** A PING or ECHO arrived. */
  readonly onProbe: (from: string, type: number, nonce: number, sentMs: number) => void;
  /** A DATA datagram arrived; `packet` is a view of the datagram past its type byte. */
  readonly onData: (from: string, packet: Buffer) => void;
  readonly log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  /** Runs the socket's events: an exception in them is counted, never uncaught. */
  readonly guard: Guard;
  /** The keys that seal and open DATA datagrams (default: none, plaintext: insecure). */
  readonly keys?: UdpKeys;
}

/** Most parsed peer addresses kept; past it the cache starts afresh. */
const MAX_CACHED_ADDRESSES = 4096;

/** One UDP socket per node. */
export class UdpEndpoint {
  private socket: Socket | undefined;
  private readonly addresses = new Map<string, Address>();
  /** Datagrams the kernel refused (ENOBUFS and the like). */
  sendErrors = 0;
  /** Datagrams not sent: the peer id is not a node address. */
  badAddresses = 0;
  /** DATA datagrams not sent: no key to their peer yet (no verified control connection). */
  unkeyed = 0;
  /** DATA datagrams dropped: no key to their sender, or a tag that does not verify. */
  unauthenticated = 0;

  constructor(private readonly o: UdpEndpointOptions) {}

  /** Binds to `host:port`. */
  async bind(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => this.o.log('warn', 'udp socket error', { error: err.message }));
    socket.on('message', this.o.guard.wrap('udp receive', (msg: Buffer, rinfo: RemoteInfo) => this.receive(msg, formatAddress({ host: rinfo.address, port: rinfo.port }))));
  }

  /** Sends a PING or ECHO to `peer`. */
  sendProbe(peer: string, type: ProbeTypeValue, nonce: number, sentMs: number): void {
    this.send(peer, encodeProbePacket({ type, nonce, sentMs }));
  }

  /** Sends one data packet to `peer` as one datagram. */
  sendData(peer: string, packet: Uint8Array): void {
    const b = Buffer.allocUnsafe(1 + packet.length);
    b[0] = UdpType.DATA;
    b.set(packet, 1);
    const keys = this.o.keys;
    const sealed = keys ? keys.seal(peer, b) : b;
    if (sealed) this.send(peer, sealed);
    else this.unkeyed++;
  }

  /** Closes the socket. */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private send(peer: string, b: Uint8Array): void {
    const socket = this.socket;
    if (!socket) return;
    let a = this.addresses.get(peer);
    if (!a) {
      a = parseNodeAddress(peer);
      if (!a) {
        this.badAddresses++;
        return;
      }
      if (this.addresses.size >= MAX_CACHED_ADDRESSES) this.addresses.clear();
      this.addresses.set(peer, a);
    }
    socket.send(b, a.port, a.host, (err) => {
      if (err) this.sendErrors++;
    });
  }

  private receive(msg: Buffer, from: string): void {
    if (msg[0] === UdpType.DATA) {
      const keys = this.o.keys;
      const opened = keys ? keys.open(from, msg) : msg;
      if (opened) return this.o.onData(from, opened.subarray(1));
      this.unauthenticated++;
      return;
    }
    const p = decodeProbePacket(msg);
    if (p.ok) this.o.onProbe(from, p.value.type, p.value.nonce, p.value.sentMs);
  }
}
