/**
 * MusiCast's local multicast edge (paper 6.6.1, issue 14): the SCX sends a mount's RTP stream, packets as they are,
 * to an administratively scoped group (239.255.0.0/16, RFC 2365) with a TTL that keeps it in scope (1: this LAN),
 * for players that take multicast (ffplay, VLC, mpv, given the SDP of sdp.ts). Unicast ICY stays the fallback.
 */

import type { Socket } from 'node:dgram';
import { openMulticastSender } from '../../../net/multicast-sender.ts';
import { isIPv4 } from 'node:net';
import { ErrorCode, ScError } from '../../../core/errors.ts';

/** Options of a multicast edge. */
export interface MulticastEdgeOptions {
  /** IPv4 address of the LAN interface to send on (the packets' source address). */
  readonly interface: string;
  /** The group, in 239.255.0.0/16 (daemon/local-multicast.ts's channelGroup derives one from the session). */
  readonly group: string;
  /** UDP port of the RTP stream, even (RFC 3550: RTCP would be port + 1). */
  readonly port: number;
  /** Multicast TTL, hops (default 1: this LAN only). */
  readonly ttl?: number;
}

/** What an edge counts (for /metrics). */
export interface MulticastEdgeCounters {
  /** RTP packets handed to the kernel. */
  packets: number;
  /** Bytes of those packets. */
  bytes: number;
  /** Packets dropped: sent before start or after close, or while MAX_PENDING_SENDS were queued. */
  dropped: number;
  /** Sends the kernel refused (no route, interface down, buffer full). */
  sendErrors: number;
}

/** Most sends queued in the socket at once (it queues while the kernel's buffer is full); past this, packets are dropped. */
export const MAX_PENDING_SENDS = 256;

/** Largest RTP packet sent, bytes (a UDP datagram's payload over IPv4). */
const MAX_DATAGRAM_BYTES = 65_507;

function invalid(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, `multicast edge: ${msg}`);
}

/** Sends one RTP stream to one local multicast group. */
export class RtpMulticastEdge {
  readonly counters: MulticastEdgeCounters = { packets: 0, bytes: 0, dropped: 0, sendErrors: 0 };
  private socket: Socket | undefined;
  private readonly ttl: number;

  /** Checks the options; throws ScError ERR_CONFIG_INVALID on an address, group, port or TTL out of range. */
  constructor(private readonly o: MulticastEdgeOptions) {
    this.ttl = o.ttl ?? 1;
    if (!isIPv4(o.interface)) invalid(`interface ${JSON.stringify(o.interface)} is not an IPv4 address`);
    if (!isIPv4(o.group) || !o.group.startsWith('239.255.')) invalid(`group ${JSON.stringify(o.group)} is not in 239.255.0.0/16`);
    if (!Number.isInteger(o.port) || o.port < 2 || o.port > 65534 || o.port % 2 !== 0) invalid(`port ${o.port} is not an even 2..65534`);
    if (!Number.isInteger(this.ttl) || this.ttl < 0 || this.ttl > 255) invalid(`ttl ${this.ttl} is not 0..255`);
  }

  /** Opens the sending socket on the interface; rejects with ScError ERR_LISTEN_FAILED when it cannot. */
  async start(): Promise<void> {
    if (this.socket) return;
    let socket: Socket;
    try {
      socket = await openMulticastSender(this.o.interface, this.ttl);
    } catch (err) {
      throw new ScError(ErrorCode.LISTEN_FAILED, `multicast edge on ${this.o.interface}: ${(err as Error).message}`);
    }
    socket.on('error', () => this.counters.sendErrors++);
    this.socket = socket;
  }

  /** Sends one RTP packet to the group, as it is (not copied: its bytes must not change until sent). */
  send(rtp: Uint8Array): void {
    const socket = this.socket;
    if (!socket || rtp.length > MAX_DATAGRAM_BYTES || socket.getSendQueueCount() >= MAX_PENDING_SENDS) {
      this.counters.dropped++;
      return;
    }
    this.counters.packets++;
    this.counters.bytes += rtp.length;
    socket.send(rtp, this.o.port, this.o.group, (err) => {
      if (err) this.counters.sendErrors++;
    });
  }

  /** Closes the socket; later sends are dropped. */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
