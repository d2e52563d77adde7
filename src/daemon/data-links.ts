/**
 * A node's outgoing data links: one TCP connection per (peer, session, channel) for TCP channels, datagrams on
 * the node's UDP socket for UDP channels. Packets of one flush go out in one write per link.
 */

import type { DataPacket } from '../session/data-header.ts';
import { encodeFrames } from '../net/frame-decoder.ts';
import type { FramedConnection } from '../net/framed-connection.ts';
import type { TcpEndpoint } from '../net/tcp-endpoint.ts';
import type { UdpEndpoint } from '../net/udp-endpoint.ts';
import type { DataTransport } from '../transport/service-module.ts';
import { RateMeter } from './rate-meter.ts';

/** A TCP data link stops taking packets while this many bytes wait in its socket. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** Outgoing data connections of a node. */
export class DataLinks {
  private readonly tcp = new Map<string, FramedConnection>();
  /** The last packet list framed, and its bytes: the links of one flush mostly get the same packets. */
  private lastPackets: readonly DataPacket[] = [];
  private lastFramed: Buffer | undefined;
  /** Data sent to each peer, all sessions together. */
  readonly sent = new RateMeter();

  constructor(
    private readonly tcpEndpoint: TcpEndpoint,
    private readonly udp: UdpEndpoint,
    /** A full link drained: the session of `sessionHex` should write what waits (a socket event: pass it guarded). */
    private readonly onDrain: (sessionHex: string) => void,
    /** A TCP data connection was dialled (the watchdog watches it). */
    private readonly onDial: (conn: FramedConnection, peer: string, sessionHex: string) => void,
  ) {}

  /** Whether the link can take more now. */
  writable(peer: string, session: SessionKey, channel: number, transport: DataTransport): boolean {
    if (transport === 'udp') return true;
    const conn = this.tcp.get(key(peer, session, channel));
    return !conn || conn.backlog < HIGH_WATER_BYTES;
  }

  /** Sends packets on the link: one write for TCP, one datagram each for UDP. */
  write(peer: string, session: SessionKey, channel: number, transport: DataTransport, packets: readonly DataPacket[]): void {
    if (transport === 'udp') {
      for (const p of packets) {
        this.udp.sendData(peer, p.bytes);
        this.sent.add(peer, 1, p.bytes.length);
      }
      return;
    }
    const k = key(peer, session, channel);
    let conn = this.tcp.get(k);
    if (!conn) {
      const c = this.tcpEndpoint.dialData(peer, session.id, channel, () => {
        if (this.tcp.get(k) === c) this.tcp.delete(k);
      });
      if (!c) return;
      c.socket.on('drain', () => this.onDrain(session.idHex));
      this.onDial(c, peer, session.idHex);
      this.tcp.set(k, (conn = c));
    }
    const framed = this.framed(packets);
    this.sent.add(peer, packets.length, framed.length);
    conn.writeRaw(framed);
  }

  /** The packets as one framed buffer, encoded once for every link that gets the same packets in a row. */
  private framed(packets: readonly DataPacket[]): Buffer {
    const last = this.lastPackets;
    if (this.lastFramed && last.length === packets.length && packets.every((p, i) => p === last[i])) return this.lastFramed;
    this.lastPackets = packets;
    this.lastFramed = encodeFrames(packets.map((p) => p.bytes));
    return this.lastFramed;
  }

  /** Closes the session's data links to `peer` (it died or left the session). */
  dropPeer(peer: string, session: SessionKey): void {
    const prefix = `${peer}|${session.idHex}|`;
    for (const [k, conn] of this.tcp) if (k.startsWith(prefix)) conn.destroy('peer dead');
  }

  /** Number of open TCP data links. */
  get size(): number {
    return this.tcp.size;
  }

  /** Ends every link gracefully. */
  close(): void {
    for (const conn of [...this.tcp.values()]) conn.end();
  }
}

/** A session's id, raw and in hex. */
export interface SessionKey {
  readonly id: Buffer;
  readonly idHex: string;
}

function key(peer: string, session: SessionKey, channel: number): string {
  return `${peer}|${session.idHex}|${channel}`;
}
