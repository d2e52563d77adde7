/** Test support for the listener edge: synthetic MP3 frames, a hub behind a loopback HTTP server, a raw-socket ICY client. */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Random } from '../../../../src/core/random.ts';
import { frameLength, headerBytes, parseMp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { decodeMetadataBlock } from '../../../../src/apps/musicast/listen/icy-metadata.ts';
import { MountListeners } from '../../../../src/apps/musicast/listen/mount-listeners.ts';
import type { ListenOptions, MountInfo } from '../../../../src/apps/musicast/listen/listen-options.ts';

/** The test station. */
export const INFO: MountInfo = { mount: '/live', name: 'Test Station', genre: 'Jazz', description: 'A test', url: 'http://example.org/', bitrateKbps: 128 };

/** `count` MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz (417 or 418 bytes, padding drawn from `rng`), random bodies. */
export function synthFrames(rng: Random, count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const padding = rng.next() < 0.5;
    const header = headerBytes({ version: '1', bitrateKbps: 128, sampleRate: 44100, padding, crc: false, channelMode: 'joint' });
    const frame = Buffer.alloc(frameLength('1', 128, 44100, padding));
    frame.set(header, 0);
    for (let i = header.length; i < frame.length; i++) frame[i] = rng.int(256);
    return frame;
  });
}

/** A hub behind an HTTP server on 127.0.0.1 that hands every request to it. */
export interface Station {
  readonly hub: MountListeners;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts a Station with `options`. */
export async function station(options: ListenOptions = {}, info: MountInfo = INFO): Promise<Station> {
  const hub = new MountListeners(info, options);
  const server = createServer((req, res) => hub.accept(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    hub,
    port,
    server,
    async close() {
      hub.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** What a raw client read: the head, its headers (lower-case names) and the body bytes. */
export interface RawAnswer {
  readonly statusLine: string;
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

/** A player on a raw socket: sends `request` and collects every byte. */
export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  private received = 0;
  readonly closed: Promise<void>;

  constructor(port: number, request: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
    });
    this.closed = once(this.socket, 'close').then(() => undefined);
    this.socket.write(request);
  }

  /** A GET of /live, with `Icy-MetaData: 1` when `metadata`. */
  static get(port: number, metadata: boolean, method = 'GET'): RawClient {
    return new RawClient(port, `${method} /live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: test\r\n${metadata ? 'Icy-MetaData: 1\r\n' : ''}\r\n`);
  }

  /** Bytes received so far. */
  get bytes(): number {
    return this.received;
  }

  /** Everything received so far, split into head and body. */
  answer(): RawAnswer {
    const all = Buffer.concat(this.chunks);
    const cut = all.indexOf('\r\n\r\n');
    assert.ok(cut >= 0, 'no complete response head');
    const [statusLine = '', ...lines] = all.subarray(0, cut).toString('latin1').split('\r\n');
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
    return { statusLine, headers, body: all.subarray(cut + 4) };
  }

  /** Resolves once `predicate` holds of the bytes received (checked on every data event and every 20 ms), or fails after `ms`. */
  async until(predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms with ${this.received} bytes`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** A body with metadata split into its audio and its blocks (decoded strictly; at: audio bytes before the block). */
export function demux(body: Buffer, metaint: number): { audio: Buffer; blocks: { at: number; title: string | undefined }[] } {
  const audio: Buffer[] = [];
  const blocks: { at: number; title: string | undefined }[] = [];
  let pos = 0;
  let audioBytes = 0;
  while (pos < body.length) {
    const take = Math.min(metaint, body.length - pos);
    audio.push(body.subarray(pos, pos + take));
    audioBytes += take;
    pos += take;
    if (take < metaint || pos >= body.length) break;
    const len = 1 + body[pos]! * 16;
    assert.ok(pos + len <= body.length, `cut metadata block at ${pos}`);
    const d = decodeMetadataBlock(body.subarray(pos, pos + len));
    assert.ok(d.ok, d.ok ? '' : `${d.code}: ${d.reason}`);
    blocks.push({ at: audioBytes, title: d.value.title });
    pos += len;
  }
  return { audio: Buffer.concat(audio), blocks };
}

/** The whole frames of an MP3 file without ID3 or Xing (a bare fixture), split on their headers. */
export function fileFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const h = parseMp3Header(bytes, at);
    assert.ok(h && h.frameBytes > 0 && at + h.frameBytes <= bytes.length, `no whole frame at ${at}`);
    frames.push(bytes.subarray(at, at + h.frameBytes));
    at += h.frameBytes;
  }
  return frames;
}
