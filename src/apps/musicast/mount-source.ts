/**
 * A mount's source at this node (paper 6.6.1): the encoder's MP3 bytes from the ingest port, cut into frames,
 * carried as RTP/MPA (RFC 2250, 90 kHz) in the mount's session, with RTCP SR + SDES (CNAME, NOTE = the stream title)
 * every second and on a title change, and a BYE when the encoder leaves. The first source makes this node's SCX a
 * source of the session; it stays one for `lingerMs` after the last leaves, so a source that comes back resumes on
 * the same tree at once.
 */

import { Mp3FrameSplitter } from './mp3/frame-splitter.ts';
import { RtpFramer } from './rtp-framer.ts';
import { encodeRtcp, SDES_CNAME, SDES_NOTE, type RtcpPacket } from '../../services/rtp/wire/rtcp.ts';
import type { SourceInfo, SourceSink } from './ingest/ingest-handlers.ts';
import { truncateUtf8 } from '../../core/utf8.ts';

/** What a mount's source needs of its session at this node. */
export interface SourceSession {
  /** Sends payloads on the session's channel as this node's local source `source`. */
  inject(channel: number, source: string, payloads: readonly Uint8Array[]): void;
  becomeSource(): void;
  stopSource(): void;
}

/** Options of a mount's source. */
export interface MountSourceOptions {
  readonly session: SourceSession;
  /** The data header's source name: `radio:<priority>@<node>` (listeners' SCXs prefer the lowest priority number). */
  readonly source: string;
  /** The channel of the mount's session that carries the stream. */
  readonly channel: number;
  /** The wall clock, ms since the epoch (RTCP SR's NTP time). */
  readonly wallClock: () => number;
  /** How long this SCX stays a source after its last encoder left, ms (default 60000). */
  readonly lingerMs?: number;
}

/** SR + SDES at least this often, ms (RFC 3550's minimum interval for a sender in a small session). */
const SENDER_REPORT_MS = 1000;

/** Seconds from 1900 (NTP's era) to 1970. */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** Longest SDES item, bytes. */
const SDES_ITEM_MAX_BYTES = 255;

/** Counters of a mount's source. */
export interface MountSourceCounters {
  /** Encoder connections accepted. */
  connections: number;
  /** MP3 frames sent into the overlay. */
  frames: number;
  /** RTP packets sent. */
  packets: number;
  /** Bytes the encoders sent (before framing). */
  bytesIn: number;
  /** Bytes the frame splitter dropped: garbage, tags, Xing/Info frames. */
  bytesDropped: number;
}

/** One live encoder connection. */
interface Live {
  readonly framer: RtpFramer;
  readonly splitter: Mp3FrameSplitter;
  /** When its last SR went out, ms since the epoch (0: none yet). */
  lastReportAt: number;
}

/** A mount's source at this node: at most one live encoder. */
export class MountSource {
  readonly counters: MountSourceCounters = { connections: 0, frames: 0, packets: 0, bytesIn: 0, bytesDropped: 0 };
  private live: Live | undefined;
  private title = '';
  private linger: NodeJS.Timeout | undefined;

  constructor(private readonly o: MountSourceOptions) {}

  /** Whether an encoder is live here. */
  get isLive(): boolean {
    return this.live !== undefined;
  }

  /** An encoder connected: its bytes go to the sink; 'busy' when one is live already (the ingest answers 409). */
  open(info: SourceInfo): SourceSink | 'busy' {
    if (this.live) return 'busy';
    clearTimeout(this.linger);
    this.linger = undefined;
    const live: Live = { framer: new RtpFramer(), splitter: new Mp3FrameSplitter(), lastReportAt: 0 };
    this.live = live;
    this.counters.connections++;
    this.o.session.becomeSource();
    if (info.iceName !== undefined && this.title === '') this.title = info.iceName;
    return {
      data: (chunk) => {
        if (this.live === live) this.onBytes(live, chunk);
      },
      end: () => {
        if (this.live === live) this.close(live);
      },
    };
  }

  /** Icecast's metadata update: the new title goes out now; false when no encoder is live (as Icecast answers). */
  setTitle(song: string): boolean {
    this.title = truncateUtf8(song.replace(/[\r\n]/g, ' '), SDES_ITEM_MAX_BYTES);
    if (!this.live) return false;
    this.sendReport(this.live);
    return true;
  }

  /** Sends the periodic SR + SDES when due; the caller ticks it (every 100 ms or so). */
  tick(): void {
    const live = this.live;
    if (live && this.o.wallClock() - live.lastReportAt >= SENDER_REPORT_MS) this.sendReport(live);
  }

  /** Ends any live encoder and stops being a source now. */
  stop(): void {
    if (this.live) this.close(this.live);
    clearTimeout(this.linger);
    if (this.linger !== undefined) this.o.session.stopSource();
    this.linger = undefined;
  }

  private onBytes(live: Live, chunk: Buffer): void {
    this.counters.bytesIn += chunk.length;
    const before = droppedOf(live.splitter);
    const frames = live.splitter.push(chunk);
    this.counters.bytesDropped += droppedOf(live.splitter) - before;
    const payloads: Uint8Array[] = [];
    for (const frame of frames) payloads.push(...live.framer.packetsOf(frame.bytes, frame.header.sampleRate, frame.header.samplesPerFrame));
    this.counters.frames += frames.length;
    if (payloads.length === 0) return;
    this.counters.packets += payloads.length;
    if (live.lastReportAt === 0) this.sendReport(live);
    this.o.session.inject(this.o.channel, this.o.source, payloads);
  }

  private sendReport(live: Live): void {
    const now = this.o.wallClock();
    live.lastReportAt = now;
    const items = [{ type: SDES_CNAME, text: this.o.source }, ...(this.title === '' ? [] : [{ type: SDES_NOTE, text: this.title }])];
    const packets: RtcpPacket[] = [
      {
        type: 'SR',
        ssrc: live.framer.ssrc,
        ntpSec: (Math.floor(now / 1000) + NTP_UNIX_OFFSET_S) >>> 0,
        ntpFrac: Math.floor(((now % 1000) / 1000) * 0x100000000) >>> 0,
        rtpTimestamp: live.framer.timestamp,
        packetCount: live.framer.packets >>> 0,
        octetCount: live.framer.octets >>> 0,
        reports: [],
      },
      { type: 'SDES', chunks: [{ ssrc: live.framer.ssrc, items }] },
    ];
    this.o.session.inject(this.o.channel, this.o.source, [encodeRtcp(packets)]);
  }

  private close(live: Live): void {
    this.live = undefined;
    this.o.session.inject(this.o.channel, this.o.source, [encodeRtcp([{ type: 'RR', ssrc: live.framer.ssrc, reports: [] }, { type: 'BYE', ssrcs: [live.framer.ssrc] }])]);
    this.linger = setTimeout(() => {
      this.linger = undefined;
      this.o.session.stopSource();
    }, this.o.lingerMs ?? 60_000);
    this.linger.unref();
  }
}

/** Bytes a splitter dropped so far. */
function droppedOf(s: Mp3FrameSplitter): number {
  return s.counters.garbageBytes + s.counters.id3Bytes;
}
