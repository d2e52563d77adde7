/**
 * The overlay run's source: the bench itself pushes MP3 to the ingest (Icecast protocol, `PUT /live`), so that it
 * knows when each byte left. The frames are a 440 Hz tone that ffmpeg encoded once (128 kbit/s, no ID3, no Xing
 * frame), cut by MusiCast's own Mp3FrameSplitter, looped and paced in real time from the frames' own durations. Once
 * a second of stream time, one frame carries a marker at the start of its main data (past the header, CRC and side
 * info): MARKER and a u32 sequence number. That frame's audio is garbled (a click a second; the listeners here only count bytes);
 * its header, length and every other byte are untouched, so a server that relays frames relays the marker. The
 * time of the write() that hands a marked frame to the kernel is the marker's send time.
 */

import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { Mp3FrameSplitter, type Mp3Frame } from '../../src/apps/musicast/mp3/frame-splitter.ts';
import { CRC_BYTES, HEADER_BYTES, type Mp3Header } from '../../src/services/rtp/wire/mp3-header.ts';
import { waitFor } from '../bench-dataplane/util.ts';
import type { Source } from './ffmpeg-source.ts';
import type { Endpoint } from './fleet.ts';
import { responseHead } from './http-head.ts';
import { SOURCE_PASSWORD, SOURCE_USER } from './server.ts';

/** The marker's magic bytes. */
export const MARKER = Buffer.from('SCBM', 'latin1');
/** Send times kept (the last this many markers: seconds of stream). */
const KEEP_MARKERS = 1200;
/** Most frames written in one tick (a stalled bench catches up at most this much at once). */
const MAX_FRAMES_PER_TICK = 100;

/** A 128 kbit/s MP3 tone of `seconds`, encoded by ffmpeg (libmp3lame), as frames. */
export function encodeTone(seconds: number): Mp3Frame[] {
  const mp3 = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0', '-f', 'mp3', 'pipe:1'],
    { maxBuffer: 64 * 2 ** 20 },
  );
  const splitter = new Mp3FrameSplitter();
  const frames = [...splitter.push(mp3), ...splitter.flush()];
  if (frames.length === 0) throw new Error('ffmpeg produced no MP3 frames');
  return frames;
}

/** Where a frame's main data starts: past its header, CRC and side information. */
export function mainDataOffset(h: Mp3Header): number {
  return HEADER_BYTES + (h.crc ? CRC_BYTES : 0) + h.sideInfoBytes;
}

/** A copy of `frame` carrying marker `seq` at the start of its main data. */
export function markFrame(frame: Mp3Frame, seq: number): Buffer {
  const out = Buffer.from(frame.bytes);
  const at = mainDataOffset(frame.header);
  MARKER.copy(out, at);
  out.writeUInt32BE(seq >>> 0, at + MARKER.length);
  return out;
}

/** The bench's own paced source. */
/** The golden ratio's fractional part: k x GOLDEN mod 1 spreads evenly over [0, 1). */
const GOLDEN = 0.6180339887498949;

export class MarkerSource implements Source {
  /** Send time (performance.now, ms) of each recent marker, by sequence number. */
  readonly sentAt = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: Socket) {}

  /** Connects, sends the PUT and waits for its 200 (bounded to `timeoutMs`), then streams `frames` in a loop. */
  static async start(ingest: Endpoint, frames: readonly Mp3Frame[], timeoutMs = 10_000): Promise<MarkerSource> {
    const socket = connect({ host: ingest.host, port: ingest.port });
    const src = new MarkerSource(socket);
    let head = Buffer.alloc(0);
    let answer: ReturnType<typeof responseHead>;
    let failure = '';
    socket.on('data', (chunk: Buffer) => {
      if (answer === undefined) answer = responseHead((head = Buffer.concat([head, chunk])));
    });
    socket.on('error', (err) => (failure = err.message));
    socket.on('close', () => (failure ||= 'closed'));
    const auth = Buffer.from(`${SOURCE_USER}:${SOURCE_PASSWORD}`).toString('base64');
    socket.write(
      `PUT ${ingest.mount} HTTP/1.1\r\nHost: ${ingest.host}:${ingest.port}\r\nAuthorization: Basic ${auth}\r\n` +
        `Content-Type: audio/mpeg\r\nIce-Public: 0\r\nIce-Name: bench-radio markers\r\nUser-Agent: bench-radio\r\n\r\n`,
    );
    try {
      await waitFor(() => answer !== undefined || failure !== '', timeoutMs, `the ingest's answer to PUT ${ingest.mount}`);
      if (answer === undefined || answer === 'too-long' || !answer.ok) {
        throw new Error(`ingest refused the marker source: ${failure || (typeof answer === 'object' ? answer.status : answer)}`);
      }
    } catch (err) {
      socket.destroy();
      throw err;
    }
    src.pace(frames);
    return src;
  }

  /**
   * Writes every frame when its stream time comes, and marks one frame about once a second: marker k at stream time
   * k + 0.5 x frac(k x golden ratio) s, so that markers fall at every phase of a server's write batches (markers at
   * whole seconds against 500-ms batches would all land at one phase and measure one point of the batching delay).
   */
  private pace(frames: readonly Mp3Frame[]): void {
    const start = performance.now();
    const markAtS = (k: number): number => k + 0.5 * ((k * GOLDEN) % 1);
    let k = 0;
    let streamS = 0;
    let seq = 1;
    this.timer = setInterval(() => {
      for (let n = 0; n < MAX_FRAMES_PER_TICK && start + streamS * 1000 <= performance.now(); n++, k++) {
        const frame = frames[k % frames.length] as Mp3Frame;
        const next = streamS + frame.header.samplesPerFrame / frame.header.sampleRate;
        if (next > markAtS(seq)) {
          this.socket.write(markFrame(frame, seq));
          this.sentAt.set(seq, performance.now());
          this.sentAt.delete(seq - KEEP_MARKERS);
          seq++;
        } else this.socket.write(frame.bytes);
        streamS = next;
      }
    }, 10);
  }

  /** Stops pacing and closes the connection (the server sees its source go). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.socket.destroy();
  }
}
