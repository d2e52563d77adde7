/**
 * Local multicast (paper 3.4): the SCX serves each channel a client asked for on an administratively scoped group
 * (239.255.0.0/16), with a TTL that keeps it inside the scope (1 by default: this LAN), alongside unicast.
 */

import { createHash } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { openMulticastSender } from '../net/multicast-sender.ts';
import type { MulticastGroup } from '../api/join-answer.ts';
import type { DataPacket } from '../session/data-header.ts';

/** Options of local multicast. */
export interface MulticastOptions {
  /** IPv4 address of the interface to send on (the cluster's LAN). */
  readonly interface: string;
  /** UDP port of every group (default 7500). */
  readonly port?: number;
  /** Multicast TTL, hops (default 1: this LAN only). */
  readonly ttl?: number;
}


/** The group of a session's channel: 239.255.x.y from the MD5 of the session id and channel. */
export function channelGroup(sessionId: Uint8Array, channel: number): string {
  const h = createHash('md5').update(sessionId).update(Buffer.from([channel >> 8, channel & 0xff])).digest();
  return `239.255.${h[0]}.${h[1] === 0 || h[1] === 255 ? 1 : h[1]}`;
}

/** Sends the served channels' packets to their groups. */
export class LocalMulticast {
  private socket: Socket | undefined;
  private readonly served = new Map<string, string>();
  private readonly port: number;
  private readonly ttl: number;

  constructor(private readonly o: MulticastOptions) {
    this.port = o.port ?? 7500;
    this.ttl = o.ttl ?? 1;
  }

  /** Opens the sending socket on the interface. */
  async open(): Promise<void> {
    const socket = await openMulticastSender(this.o.interface, this.ttl);
    socket.on('error', () => undefined);
    this.socket = socket;
  }

  /** Starts serving a channel; returns its group. */
  serve(sessionHex: string, sessionId: Uint8Array, channel: number): MulticastGroup {
    const group = channelGroup(sessionId, channel);
    this.served.set(`${sessionHex}|${channel}`, group);
    return { group, port: this.port, ttl: this.ttl };
  }

  /** Sends a delivered packet to its channel's group, if the channel is served. */
  deliver(sessionHex: string, channel: number, packet: DataPacket): void {
    if (this.served.size === 0) return;
    const group = this.served.get(`${sessionHex}|${channel}`);
    if (group && this.socket) this.socket.send(packet.bytes, this.port, group);
  }

  /** Closes the socket. */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
