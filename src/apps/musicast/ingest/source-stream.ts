/**
 * A live source's connection after its `200 OK`: every chunk that comes off the socket goes to the station's sink at
 * once (the sink is synchronous, so nothing is queued here: a slow station slows the socket's reads, and TCP slows
 * the encoder), until the encoder closes ('closed'), sends nothing for `stallMs` ('stalled'), or its socket fails, or
 * the sink throws ('error'). The sink's `end` is called exactly once, and the socket is then destroyed.
 */

import type { Socket } from 'node:net';
import type { SourceSink } from './ingest-handlers.ts';

/** Why a source ended. */
export type SourceEnd = Parameters<SourceSink['end']>[0];

/** A source being streamed: `end` stops it from this side (the port closing: 'closed'). */
export interface SourceStream {
  /** Bytes handed to the sink so far. */
  readonly bytes: number;
  end(reason: SourceEnd): void;
}

/** Streams `socket` into `sink`, starting with `first` (bytes that came with the head); `ended` hears the reason once. */
export function streamSource(socket: Socket, sink: SourceSink, first: Buffer, stallMs: number, ended: (reason: SourceEnd, bytes: number) => void): SourceStream {
  let done = false;
  const stream = {
    bytes: 0,
    end(reason: SourceEnd): void {
      if (done) return;
      done = true;
      socket.destroy();
      sink.end(reason);
      ended(reason, stream.bytes);
    },
  };
  const data = (chunk: Buffer): void => {
    if (done) return;
    stream.bytes += chunk.length;
    try {
      sink.data(chunk);
    } catch {
      stream.end('error');
    }
  };
  socket.setTimeout(stallMs, () => stream.end('stalled'));
  socket.on('data', data);
  socket.on('end', () => stream.end('closed'));
  socket.on('error', () => stream.end('error'));
  socket.on('close', (hadError) => stream.end(hadError ? 'error' : 'closed'));
  if (first.length > 0) data(first);
  return stream;
}
