/**
 * An Icecast source client in a few lines: it pushes MP3 frames to a mount (`PUT /mount`, HTTP Basic, `Expect:
 * 100-continue`, as ffmpeg does) in real time, looped, and connects again when the connection drops. The radio
 * demo's built-in tone is pushed with it, through the same ingest any encoder uses.
 */

import { connect, type Socket } from 'node:net';
import { FramePacer } from './mp3/frame-pacer.ts';
import { frameDurationMs, parseMp3Header } from '../../services/rtp/wire/mp3-header.ts';

/** Options of a source client. */
export interface SourceClientOptions {
  /** Where to push: `http://host:port/mount`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** The MP3 frames to send, looped. */
  readonly frames: readonly Buffer[];
  /** `Ice-Name` of the stream (default none). */
  readonly name?: string;
  /** Waits this long before connecting again after a drop or a refusal, ms (default 2000). */
  readonly retryMs?: number;
  /** Told of every connection's end: why, and the server's status line if it refused. */
  readonly onStatus?: (line: string) => void;
}

/** How often frames are sent, ms. */
const SEND_EVERY_MS = 20;

/** Longest response head read, bytes. */
const MAX_REPLY_HEAD = 4096;

/** A running source client. */
export interface SourceClient {
  /** Stops pushing and closes the connection. */
  stop(): void;
}

/** Starts pushing `frames` to `url`, looped, until stopped. */
export function pushSource(o: SourceClientOptions): SourceClient {
  const url = new URL(o.url);
  const head =
    `PUT ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: scattercast-radio\r\n` +
    `Authorization: Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}\r\nContent-Type: audio/mpeg\r\n` +
    `${o.name === undefined ? '' : `Ice-Name: ${o.name.replace(/[\r\n]/g, ' ')}\r\n`}Ice-Public: 0\r\nExpect: 100-continue\r\n\r\n`;
  const durations = o.frames.map((f) => {
    const h = parseMp3Header(f, 0);
    return h ? frameDurationMs(h) : 26;
  });
  let stopped = false;
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let next = 0;

  const again = (why: string): void => {
    clearInterval(timer);
    socket?.destroy();
    socket = undefined;
    if (stopped) return;
    o.onStatus?.(why);
    retry = setTimeout(open, o.retryMs ?? 2000);
  };

  const stream = (s: Socket): void => {
    const pacer = new FramePacer();
    pacer.start(performance.now());
    const send = (): void => {
      if (s.writableLength > 64 * 1024) return;
      for (let due = pacer.due(performance.now(), durations[next] ?? 26); due > 0; due--) {
        s.write(o.frames[next]!);
        next = (next + 1) % o.frames.length;
      }
    };
    send();
    timer = setInterval(send, SEND_EVERY_MS);
  };

  const open = (): void => {
    if (stopped || o.frames.length === 0) return;
    const s = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) });
    socket = s;
    let reply = '';
    s.setNoDelay(true);
    s.on('error', (err) => again(`${url.host}: ${err.message}`));
    s.on('close', () => {
      if (socket === s) again(`${url.host} closed the connection`);
    });
    s.on('connect', () => s.write(head));
    const onData = (chunk: Buffer): void => {
      reply += chunk.toString('latin1');
      for (;;) {
        const end = reply.indexOf('\r\n\r\n');
        if (end < 0) {
          if (reply.length > MAX_REPLY_HEAD) again(`${url.host}: reply head too long`);
          return;
        }
        const status = reply.slice(0, reply.indexOf('\r\n'));
        reply = reply.slice(end + 4);
        if (/^HTTP\/1\.[01] 100 /.test(status)) continue;
        s.off('data', onData);
        if (/^HTTP\/1\.[01] 200 /.test(status)) return stream(s);
        return again(`${url.host} refused the source: ${status.slice(0, 120)}`);
      }
    };
    s.on('data', onData);
  };

  open();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(timer);
      socket?.end();
      socket = undefined;
    },
  };
}
