/** A station for the radio port's tests: one mount per entry of `mounts`, sinks that record what they get, and the titles set. */

import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startRadioPort, type IngestHandlers, type IngestLimits, type RadioPort, type SourceInfo, type SourceSink } from '../../../../src/apps/musicast/ingest/radio-port.ts';

/** A sink that keeps every byte and how it ended. */
export class RecordingSink implements SourceSink {
  readonly chunks: Buffer[] = [];
  reason: 'closed' | 'stalled' | 'error' | undefined;
  readonly ended: Promise<'closed' | 'stalled' | 'error'>;
  private resolve!: (r: 'closed' | 'stalled' | 'error') => void;

  constructor(private readonly onEnd: () => void) {
    this.ended = new Promise((r) => (this.resolve = r));
  }

  /** Everything received so far. */
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  data(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }

  end(reason: 'closed' | 'stalled' | 'error'): void {
    if (this.reason !== undefined) throw new Error('a sink ended twice');
    this.reason = reason;
    this.onEnd();
    this.resolve(reason);
  }
}

/** The station: mounts with their credentials, live sinks, every source opened and every title set. */
export class FakeStation implements IngestHandlers {
  readonly live = new Map<string, RecordingSink>();
  readonly opened: { mount: string; info: SourceInfo; sink: RecordingSink }[] = [];
  readonly titles: [mount: string, song: string][] = [];

  constructor(readonly mounts: Record<string, { user: string; password: string }> = { '/live': { user: 'source', password: 'PASS' } }) {}

  credentials(mount: string): { user: string; password: string } | undefined {
    return Object.hasOwn(this.mounts, mount) ? this.mounts[mount] : undefined;
  }

  open(mount: string, info: SourceInfo): SourceSink | 'busy' {
    if (this.live.has(mount)) return 'busy';
    const sink = new RecordingSink(() => this.live.delete(mount));
    this.live.set(mount, sink);
    this.opened.push({ mount, info, sink });
    return sink;
  }

  metadata(mount: string, song: string): boolean {
    if (!this.live.has(mount)) return false;
    this.titles.push([mount, song]);
    return true;
  }

  /** The sink of the `n`th source opened (waiting for it up to `ms`). */
  async nth(n: number, ms = 10_000): Promise<RecordingSink> {
    const until = Date.now() + ms;
    while (this.opened.length <= n) {
      if (Date.now() > until) throw new Error(`source ${n} never opened`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.opened[n]!.sink;
  }
}

/** The players' handler of the tests: answers `player <method> <url>` and keeps the connection alive. */
export function playerHandler(req: IncomingMessage, res: ServerResponse): void {
  const body = `player ${req.method} ${req.url}`;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Log lines of a test port, kept to check that no secret is ever written. */
export const logged: string[] = [];

/** A radio port on loopback for `station`. */
export function startTestPort(station: FakeStation, limits?: IngestLimits, tls?: { key: string; cert: string }): Promise<RadioPort> {
  return startRadioPort({
    listen: { host: '127.0.0.1', port: 0 },
    ...(tls ? { tls } : {}),
    ingest: station,
    http: playerHandler,
    log: (level, msg, fields) => void logged.push(JSON.stringify({ level, msg, ...fields })),
    ...(limits ? { limits } : {}),
  });
}

/** `Basic base64(user:password)`. */
export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Connects to `port` on loopback (TLS without verification when `tls`). */
export function dial(port: number, tls = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : tcpConnect(port, '127.0.0.1');
    socket.once(tls ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `bytes` on a new connection and collects what comes back until the server closes it (or `ms` pass). */
export async function exchange(port: number, bytes: string | Buffer, ms = 5000, tls = false): Promise<{ text: string; closed: boolean }> {
  const socket = await dial(port, tls);
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => (socket.destroy(), resolve({ text, closed: false })), ms);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve({ text, closed: true })));
    socket.write(bytes);
  });
}
