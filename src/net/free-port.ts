import { createServer } from 'node:net';

/** A port free for TCP on 127.0.0.1 right now (the OS picks it); the caller binds UDP on it too (a race with other programs is possible, so callers retry on ERR_LISTEN_FAILED where it matters). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
