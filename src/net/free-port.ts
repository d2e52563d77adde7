import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * Free ports on 127.0.0.1 for nodes that are about to listen (the demo, tests). They are drawn below the kernel's
 * ephemeral range: a port the OS hands out for `listen(0)` is one it may give the next outgoing connection too, so a
 * node started a moment later could find its port taken by a connection another node just dialled.
 */

/** Lowest port drawn. */
const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Holds `port` for TCP on 127.0.0.1 and checks UDP is free there too; undefined when either is taken. */
async function hold(port: number): Promise<Server | undefined> {
  const server = createServer();
  const tcp = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (!tcp) return undefined;
  const udp = createSocket('udp4');
  const free = await new Promise<boolean>((resolve) => {
    udp.once('error', () => resolve(false));
    udp.bind(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  if (free) return server;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return undefined;
}

/** `n` distinct ports free for TCP and UDP on 127.0.0.1 right now, below the ephemeral range; all held at once while drawn. */
export async function freePorts(n: number): Promise<number[]> {
  const high = ephemeralLow();
  const held = new Map<number, Server>();
  for (let tries = 0; held.size < n; tries++) {
    if (tries > 1000 + n * 100) throw new Error(`no ${n} free ports found in ${LOWEST}..${high - 1}`);
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (held.has(port)) continue;
    const server = await hold(port);
    if (server) held.set(port, server);
  }
  await Promise.all([...held.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return [...held.keys()];
}

/** A port free for TCP and UDP on 127.0.0.1 right now (see freePorts). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}
