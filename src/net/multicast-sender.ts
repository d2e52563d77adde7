/** A UDP socket that sends to multicast groups on one interface (local multicast, paper 3.4; MusiCast's RTP edge). */

import { createSocket, type Socket } from 'node:dgram';

/** Binds a socket on `iface` (an IPv4 address of the LAN) that sends to groups with TTL `ttl`, hops, loopback on. */
export async function openMulticastSender(iface: string, ttl: number): Promise<Socket> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, iface, () => resolve());
    });
    socket.setMulticastInterface(iface);
    socket.setMulticastTTL(ttl);
    socket.setMulticastLoopback(true);
  } catch (err) {
    socket.close();
    throw err;
  }
  return socket;
}
