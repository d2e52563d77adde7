/**
 * The victim a forgery names: a third party's address, on a host of the bridge's /24 that no node uses, given to the
 * bridge itself so that what the nodes send there arrives. A TCP listener and a UDP socket on its port take and count
 * whatever comes (connections, bytes, datagrams); nothing is answered but the TCP handshake. Goal: nothing arrives.
 */

import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';

export class Victim {
  connections = 0;
  tcpBytes = 0;
  datagrams = 0;
  udpBytes = 0;
  private constructor(
    readonly ip: string,
    readonly port: number,
    private readonly bridge: string,
    private readonly server: Server,
    private readonly udp: UdpSocket,
    private readonly sockets: Set<Socket>,
  ) {}

  /** `ip:port`, as a message names it. */
  get address(): string {
    return `${this.ip}:${this.port}`;
  }

  /** Everything that reached it, bytes (TCP payload and datagrams). */
  get bytes(): number {
    return this.tcpBytes + this.udpBytes;
  }

  /** Adds `ip` to `bridge` and listens on `ip:port`, TCP and UDP. */
  static async open(bridge: string, ip: string, port: number): Promise<Victim> {
    execFileSync('ip', ['addr', 'add', `${ip}/32`, 'dev', bridge], { stdio: 'ignore' });
    const sockets = new Set<Socket>();
    let v: Victim | undefined;
    const server = createServer((s) => {
      sockets.add(s);
      if (v) v.connections++;
      s.on('data', (b: Buffer) => v && (v.tcpBytes += b.length));
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, ip, () => resolve());
    });
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, ip, () => resolve());
    });
    udp.on('error', () => undefined);
    udp.on('message', (m) => {
      if (!v) return;
      v.datagrams++;
      v.udpBytes += m.length;
    });
    v = new Victim(ip, port, bridge, server, udp, sockets);
    return v;
  }

  /** A line of what reached it. */
  said(): string {
    return `${this.connections} connections, ${this.tcpBytes} TCP bytes, ${this.datagrams} datagrams`;
  }

  /** Stops listening and takes the address off the bridge. */
  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
    this.udp.close();
    try {
      execFileSync('ip', ['addr', 'del', `${this.ip}/32`, 'dev', this.bridge], { stdio: 'ignore' });
    } catch {
      // gone with the bridge
    }
  }
}
