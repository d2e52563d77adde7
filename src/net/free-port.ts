import { createServer } from 'node:net';

/** A port free for TCP on 127.0.0.1 right now (the OS picks it); the caller binds UDP on it too (a race with other programs is possible, so callers retry on ERR_LISTEN_FAILED where it matters). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `n` distinct ports free for TCP on 127.0.0.1 right now: all held at once while the OS picks, so that none comes twice. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
