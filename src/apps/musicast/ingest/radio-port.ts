/**
 * The radio port: one TCP (or TLS) port for sources and players, as Icecast has. ffmpeg's `icecast://` sends
 * `PUT /mount` with neither Content-Length nor Transfer-Encoding and then the stream until it closes, which Node's
 * HTTP parser cannot take; so the port reads each connection's request line itself (at most headBytes, within
 * headTimeoutMs). A `PUT` or `SOURCE` is a source: its head is read and admitted here (source-request.ts), then the
 * connection carries the stream to the station's sink (source-stream.ts). Anything else goes, with the bytes read so
 * far put back, to a Node HTTP server with the deadlines of src/net/http-server.ts, which answers Icecast's metadata
 * update (metadata-request.ts) and hands every other request to the station's `http` handler, keep-alive included.
 * Only a connection's first request can be a source. Bounds: maxConnections open connections (players included),
 * maxPendingHeads of them still sending their head (each holding at most headBytes plus one read), maxSources.
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
import { decodeRequestHead, decodeRequestLine, headEnd, requestLineEnd } from './request-head.ts';
import { admitSource, SOURCE_METHODS } from './source-request.ts';
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
    let buffered: Buffer = Buffer.alloc(0);
    let isSource = false;
    const settle = (): void => {
      clearTimeout(timer);
      pending.delete(socket);
      socket.off('data', read);
    };
    /** Whether `end` (-1: not yet) is past headBytes, or has not come within them: then refused as ERR_INGEST_HEAD_SIZE. */
    const tooLarge = (end: number): boolean => (end < 0 ? buffered.length > limits.headBytes : end > limits.headBytes);
    const read = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (!isSource) {
        const end = requestLineEnd(buffered);
        if (tooLarge(end)) return settle(), refuse(socket, remote, ErrorCode.INGEST_HEAD_SIZE);
        if (end < 0) return;
        const line = decodeRequestLine(buffered.subarray(0, end - 2));
        if (!line.ok) return settle(), refuse(socket, remote, ErrorCode.INGEST_HEAD);
        if (!SOURCE_METHODS.has(line.value.method)) return settle(), handOff(socket, buffered);
        isSource = true;
      }
      const end = headEnd(buffered, buffered.length - chunk.length);
      if (tooLarge(end)) return settle(), refuse(socket, remote, ErrorCode.INGEST_HEAD_SIZE);
      if (end < 0) return;
      settle();
      const head = decodeRequestHead(buffered.subarray(0, end));
      const admitted = head.ok ? admitSource(head.value, remote, o.ingest, live.size, limits.maxSources) : ({ ok: false, code: ErrorCode.INGEST_HEAD } as const);
      if (!admitted.ok) return refuse(socket, remote, admitted.code, 'mount' in admitted ? admitted.mount : undefined);
      counters.sources += 1;
      o.log('info', 'radio source live', { mount: admitted.mount, remote });
      // One write, so one segment: ffmpeg reads what has come once after its head; a 200 left unread in its socket
      // when it closes makes its kernel reset the connection and drop the stream's last bytes still in flight.
      socket.write(admitted.expectContinue ? SOURCE_CONTINUE_OK_REPLY : SOURCE_OK_REPLY);
      const stream = streamSource(socket, admitted.sink, buffered.subarray(end), limits.stallMs, (reason, bytes) => {
        live.delete(stream);
        if (reason === 'stalled') counters.stalled += 1;
        o.log('info', 'radio source ended', { mount: admitted.mount, remote, reason, bytes });
      });
      live.add(stream);
    };
    socket.on('data', read);
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
      web.closeAllConnections();
      await closed;
    },
  };
}
