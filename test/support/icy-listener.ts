/**
 * A player for tests, on a raw socket: one GET of a mount (with `Icy-MetaData: 1`), the response head, then the
 * stream split into audio and metadata blocks. It records the StreamTitles it sees (and when), the bitrate of
 * every MP3 frame header it finds in the audio, and whether its one connection stayed up.
 */

import { connect, type Socket } from 'node:net';
import { parseMp3Header } from '../../src/services/rtp/wire/mp3-header.ts';

/** What a test listener saw so far. */
export interface IcyListener {
  /** The response's status line and headers (lower-case names). */
  readonly status: string;
  readonly headers: ReadonlyMap<string, string>;
  /** Audio bytes received. */
  audioBytes: number;
  /** Every StreamTitle seen, with the time it arrived (ms since the epoch). */
  readonly titles: Array<{ title: string; at: number }>;
  /** Bitrates of the frames seen, kbit/s, with their arrival time (ms since the epoch); at most one per 4 KB. */
  readonly bitrates: Array<{ kbps: number; at: number }>;
  /** Set once the connection closed. */
  closedAt: number | undefined;
  close(): void;
}

/** Connects to `url` (http://host:port/mount) and resolves once the response head arrived. */
export function icyListen(url: string, timeoutMs = 10_000): Promise<IcyListener> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: u.hostname, port: Number(u.port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response head from ${url} in ${timeoutMs} ms`));
    }, timeoutMs);
    let head = Buffer.alloc(0);
    let l: (IcyListener & { metaint: number; untilMeta: number; pending: Buffer }) | undefined;
    let lastSample = -Infinity;
    socket.on('connect', () => socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nIcy-MetaData: 1\r\nUser-Agent: test\r\n\r\n`));
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (!l) reject(err);
    });
    socket.on('close', () => {
      if (l) l.closedAt = Date.now();
    });
    const audio = (bytes: Buffer): void => {
      const x = l!;
      x.audioBytes += bytes.length;
      if (x.audioBytes - lastSample < 4_000 && x.bitrates.length > 0) return;
      for (let i = 0; i + 4 <= bytes.length; i++) {
        const h = bytes[i] === 0xff ? parseMp3Header(bytes, i) : undefined;
        if (h && i + h.frameBytes + 4 <= bytes.length && parseMp3Header(bytes, i + h.frameBytes)) {
          x.bitrates.push({ kbps: h.bitrateKbps, at: Date.now() });
          lastSample = x.audioBytes;
          return;
        }
      }
    };
    const body = (chunk: Buffer): void => {
      const x = l!;
      let buf = x.pending.length > 0 ? Buffer.concat([x.pending, chunk]) : chunk;
      x.pending = Buffer.alloc(0);
      while (buf.length > 0) {
        if (x.untilMeta > 0) {
          const n = Math.min(x.untilMeta, buf.length);
          audio(buf.subarray(0, n));
          x.untilMeta -= n;
          buf = buf.subarray(n);
          continue;
        }
        const len = buf[0]! * 16;
        if (buf.length < 1 + len) {
          x.pending = Buffer.from(buf);
          return;
        }
        const text = buf.subarray(1, 1 + len).toString('utf8').replace(/\0+$/, '');
        const m = /StreamTitle='(.*?)';/s.exec(text);
        if (m) x.titles.push({ title: m[1]!, at: Date.now() });
        x.untilMeta = x.metaint;
        buf = buf.subarray(1 + len);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      if (l) return body(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map(lines.slice(1).map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const metaint = Number(headers.get('icy-metaint') ?? 0);
      l = {
        status: lines[0]!,
        headers,
        audioBytes: 0,
        titles: [],
        bitrates: [],
        closedAt: undefined,
        close: () => socket.destroy(),
        metaint: metaint > 0 ? metaint : Infinity,
        untilMeta: metaint > 0 ? metaint : Infinity,
        pending: Buffer.alloc(0),
      };
      resolve(l);
      if (head.length > end + 4) body(head.subarray(end + 4));
    });
  });
}
