/**
 * The radio port: one TCP (or TLS) port for sources and players, as Icecast has. ffmpeg's `icecast://` sends
 * `PUT /mount` with neither Content-Length nor Transfer-Encoding and then the stream until it closes, which Node's
 * HTTP parser cannot take; so the port reads each connection's request line itself (head-reader.ts: at most headBytes,
 * within headTimeoutMs). A `PUT` or `SOURCE` is a source: its head is read and admitted (source-request.ts), then the
 * connection carries the stream to the station's sink (source-stream.ts). Anything else goes, with the bytes read so
 * far put back, to a Node HTTP server with the deadlines of src/net/http-server.ts, which answers Icecast's metadata
 * update (metadata-request.ts) and hands every other request to the station's `http` handler, keep-alive included.
 * Only a connection's first request can be a source. Bounds: maxConnections open connections (players included),
 * maxPendingHeads of them still sending their head (each holding at most headBytes plus one read), maxSources; over
 * TLS, a handshake has headTimeoutMs too and counts against maxConnections only.
 */

import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import { ErrorCode, ScError } from '../../../core/errors.ts';
import { formatAddress } from '../../../net/address.ts';
import { createHttpServer } from '../../../net/http-server.ts';
import { INGEST_DEFAULTS, INGEST_REFUSALS, type IngestRefusal, type RadioPort, type RadioPortOptions } from './ingest-handlers.ts';
import { METADATA_PATH, updateMetadata } from './metadata-request.ts';
import { METADATA_OK_XML, REFUSAL_REPLIES, refusalBytes, refusalHeaders, SOURCE_CONTINUE_OK_REPLY, SOURCE_OK_REPLY } from './replies.ts';
import { HeadReader } from './head-reader.ts';
import type { RequestHead } from './request-head.ts';
import { admitSource } from './source-request.ts';
import { streamSource, type SourceStream } from './source-stream.ts';

export type * from './ingest-handlers.ts';

/** How long a refused connection's reply has to reach the peer while what it still sends is read and dropped, ms. */
const LINGER_MS = 1000;

/** Starts the radio port; ScError(ERR_LISTEN_FAILED) when it cannot listen. */
export async function startRadioPort(o: RadioPortOptions): Promise<RadioPort> {
  const limits = { ...INGEST_DEFAULTS, ...o.limits };
  const counters = { refused: Object.fromEntries(INGEST_REFUSALS.map((c) => [c, 0])) as Record<IngestRefusal, number>, sources: 0, stalled: 0, metadata: 0, handedOff: 0 };
  const sockets = new Set<Socket>();
  const pending = new Set<Socket>();
  const live = new Set<SourceStream>();

  const refused = (code: IngestRefusal, remote: string, mount?: string): void => {
    counters.refused[code] += 1;
    o.log('warn', 'radio ingest refused', { code, remote, ...(mount === undefined ? {} : { mount }) });
  };

  const web = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const url = URL.canParse(req.url ?? '', 'http://radio') ? new URL(req.url ?? '', 'http://radio') : undefined;
    if (req.method !== 'GET' || url?.pathname !== METADATA_PATH) return o.http(req, res);
    const remote = formatAddress({ host: req.socket.remoteAddress ?? '?', port: req.socket.remotePort ?? 0 });
    const r = updateMetadata(url.searchParams, req.headers.authorization, o.ingest);
    if (r.ok) {
      counters.metadata += 1;
      o.log('info', 'radio metadata updated', { mount: r.mount, remote });
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-cache, no-store', 'Content-Length': Buffer.byteLength(METADATA_OK_XML) });
      res.end(METADATA_OK_XML);
      return;
    }
    refused(r.code, remote, r.mount);
    const reply = REFUSAL_REPLIES[r.code] as NonNullable<(typeof REFUSAL_REPLIES)[IngestRefusal]>;
    res.writeHead(reply.status, reply.reason, refusalHeaders(reply));
    res.end(`${reply.message}\r\n`);
  });

  /** Answers a refused head (when its refusal has an answer) and closes, reading and dropping what still comes for LINGER_MS. */
  const refuse = (socket: Socket, remote: string, code: IngestRefusal, mount?: string): void => {
    refused(code, remote, mount);
    const reply = REFUSAL_REPLIES[code];
    if (reply === undefined) return void socket.destroy();
    socket.resume();
    socket.end(refusalBytes(reply));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };

  const accept = (socket: Socket): void => {
    const remote = formatAddress({ host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 });
    if (pending.size >= limits.maxPendingHeads) {
      refused(ErrorCode.INGEST_CONNECTIONS, remote);
      return void socket.destroy();
    }
    sockets.add(socket);
    pending.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      pending.delete(socket);
      clearTimeout(timer);
    });
    const timer = setTimeout(() => refuse(socket, remote, ErrorCode.INGEST_HEAD_TIMEOUT), limits.headTimeoutMs);
    const reader = new HeadReader(limits.headBytes);
    const read = (chunk: Buffer): void => {
      const verdict = reader.push(chunk);
      if (verdict.kind === 'more') return;
      clearTimeout(timer);
      pending.delete(socket);
      socket.off('data', read);
      if (verdict.kind === 'refused') refuse(socket, remote, verdict.code);
      else if (verdict.kind === 'other') handOff(socket, verdict.bytes);
      else admit(socket, remote, verdict.head, verdict.rest);
    };
    socket.on('data', read);
  };

  /** Admits a source (source-request.ts) and streams it to its sink, or refuses it. */
  const admit = (socket: Socket, remote: string, head: RequestHead, first: Buffer): void => {
    const admitted = admitSource(head, remote, o.ingest, live.size, limits.maxSources);
    if (!admitted.ok) return refuse(socket, remote, admitted.code, admitted.mount);
    counters.sources += 1;
    o.log('info', 'radio source live', { mount: admitted.mount, remote });
    // One write, so one segment: ffmpeg reads once after its head, and a 200 left unread in its socket when it
    // closes makes its kernel reset the connection, dropping the stream's last bytes still in flight (seen here).
    socket.write(admitted.expectContinue ? SOURCE_CONTINUE_OK_REPLY : SOURCE_OK_REPLY);
    const stream = streamSource(socket, admitted.sink, first, limits.stallMs, (reason, bytes) => {
      live.delete(stream);
      if (reason === 'stalled') counters.stalled += 1;
      o.log('info', 'radio source ended', { mount: admitted.mount, remote, reason, bytes });
    });
    live.add(stream);
  };

  /** Gives the connection to the HTTP server with the bytes read so far put back in front. */
  const handOff = (socket: Socket, buffered: Buffer): void => {
    counters.handedOff += 1;
    socket.pause();
    socket.unshift(buffered);
    web.emit('connection', socket);
    socket.resume();
  };

  const tls = o.tls;
  const server: Server = tls === undefined ? createTcpServer(accept) : createTlsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: limits.headTimeoutMs }, accept);
  server.maxConnections = limits.maxConnections;
  server.on('drop', (d?: { remoteAddress?: string; remotePort?: number }) => refused(ErrorCode.INGEST_CONNECTIONS, formatAddress({ host: d?.remoteAddress ?? '?', port: d?.remotePort ?? 0 })));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error) => reject(new ScError(ErrorCode.LISTEN_FAILED, `radio port cannot listen on ${formatAddress(o.listen)}: ${err.message}`)));
    server.listen(o.listen.port, o.listen.host, () => resolve());
  });
  const at = server.address();
  const address = typeof at === 'object' && at !== null ? { host: o.listen.host, port: at.port } : o.listen;
  o.log('info', 'radio port listening', { address: formatAddress(address), tls: tls !== undefined });

  return {
    address,
    counters,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const stream of [...live]) stream.end('closed');
      for (const socket of [...sockets]) socket.destroy();
      await closed;
    },
  };
}
