/**
 * A mount at a listeners' SCX: the stream the mount's session delivers here, turned back into one MP3 stream that
 * never stops. Several sources may feed a mount (a primary and its backups, pushing into any cluster): the edge
 * plays the best-priority source that is live, switches to a better one once it has delivered a few frames in a
 * row, and when none is live (an encoder dropped, stalled or said BYE) fills in real time with the fallback file
 * or with silent frames of the stream's own format, until a source is back. Every switch is on a frame boundary,
 * so a player hears no garbage and never reconnects ("fallback-override done right", issue 14).
 */

import type { Mp3Header } from '../../services/rtp/wire/mp3-header.ts';
import { parseMp3Header, frameDurationMs } from '../../services/rtp/wire/mp3-header.ts';
import { silentFrame } from './mp3/silent-frame.ts';
import { FramePacer } from './mp3/frame-pacer.ts';
import { decodeRtp, isRtcp } from '../../services/rtp/wire/rtp-packet.ts';
import { MPA_PAYLOAD_TYPE, MpaReassembler } from '../../services/rtp/wire/mpa.ts';
import { decodeRtcp, SDES_NOTE } from '../../services/rtp/wire/rtcp.ts';
import { parseStreamName } from '../../services/rtp/stream-names.ts';

/** Options of a mount's edge. */
export interface MountEdgeOptions {
  /** The mount's nominal bitrate, kbit/s: the silent frames' before any source was heard. */
  readonly bitrateKbps: number;
  /** No frame from the playing source for this long starts the fill, ms. */
  readonly stallMs: number;
  /** Frames of the fallback file, looped during an outage (empty: silent frames). */
  readonly fallback: readonly Buffer[];
  /** Where the stream's frames go, one whole MP3 frame at a time, in real time. */
  readonly frame: (bytes: Buffer) => void;
  /** The playing source's stream title changed. */
  readonly title: (title: string) => void;
  /** Monotonic clock, ms. */
  readonly clock: () => number;
}

/** Most sources a mount's edge tracks; the one heard least recently goes first. */
const MAX_SOURCES = 16;

/** A better-priority source takes over once it delivered this many frames in a row (a source just reconnecting may stutter). */
const TAKEOVER_FRAMES = 4;

/** A stream of the playing source at another bitrate takes over once the playing one sent nothing for this long, ms. */
const RETIER_QUIET_MS = 100;

/** Priority of a source whose name does not say (`radio:<n>@<node>`): after every station source. */
const UNRANKED = 100;

/** The format of silent frames before any source was heard: MPEG-1 Layer III, 44.1 kHz, joint stereo. */
const DEFAULT_FORMAT = { version: '1', sampleRate: 44100, channelMode: 'joint' } as const;

/** Counters of a mount's edge. */
export interface MountEdgeCounters {
  /** Frames played from sources. */
  liveFrames: number;
  /** Frames played from the fallback or silence. */
  fillFrames: number;
  /** Times the playing source changed (a takeover, a loss, a return). */
  switches: number;
  /** Outages filled (a fill that began). */
  outages: number;
  /** Payloads that were neither valid RTP/MPA nor valid RTCP. */
  malformed: number;
}

/** One source heard at this edge. */
interface Heard {
  readonly name: string;
  /** The name of the original stream (`name` without a transcoded tier's suffix). */
  readonly base: string;
  readonly priority: number;
  readonly reassembler: MpaReassembler;
  ssrc: number | undefined;
  lastFrameAt: number;
  /** Frames in a row without a stall, for the takeover rule. */
  run: number;
  /** Said BYE: not live until its next frame. */
  gone: boolean;
  title: string;
}

/** The edge of one mount. */
export class MountEdge {
  readonly counters: MountEdgeCounters = { liveFrames: 0, fillFrames: 0, switches: 0, outages: 0, malformed: 0 };
  private readonly heard = new Map<string, Heard>();
  private playing: Heard | undefined;
  private filling = false;
  private readonly pacer = new FramePacer();
  private format: Mp3Header | undefined;
  private fallbackAt = 0;
  private title = '';

  constructor(private readonly o: MountEdgeOptions) {}

  /** The source playing now (its data header name), or undefined while filling. */
  get source(): string | undefined {
    return this.filling ? undefined : this.playing?.name;
  }

  /** One data packet's payload from `source`: an RTP/MPA packet or an RTCP compound (RFC 5761). */
  onPayload(source: string, payload: Uint8Array): void {
    const h = this.heardOf(source);
    if (isRtcp(payload)) return this.onRtcp(h, payload);
    const rtp = decodeRtp(payload);
    if (!rtp.ok || rtp.value.payloadType !== MPA_PAYLOAD_TYPE) {
      this.counters.malformed++;
      return;
    }
    h.ssrc = rtp.value.ssrc;
    for (const frame of h.reassembler.push(rtp.value)) this.onFrame(h, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  }

  /** Fills when no source plays; the caller ticks it often (every 20 ms). */
  tick(): void {
    const now = this.o.clock();
    const p = this.playing;
    if (p && !p.gone && now - p.lastFrameAt <= this.o.stallMs) return;
    if (!this.filling) {
      this.filling = true;
      this.counters.outages++;
      this.pacer.start(now);
    }
    const fmt = this.format;
    const frame = this.o.fallback.length > 0 ? undefined : silentFrame(fmt ?? { ...DEFAULT_FORMAT, bitrateKbps: this.o.bitrateKbps });
    const duration = frame ? frameDurationMs(parseMp3Header(frame, 0)!) : 0;
    for (let due = this.pacer.due(now, duration > 0 ? duration : this.fallbackDurationMs()); due > 0; due--) {
      this.counters.fillFrames++;
      this.o.frame(frame ?? this.nextFallback());
    }
  }

  private onFrame(h: Heard, frame: Buffer): void {
    const now = this.o.clock();
    h.run = h.gone || now - h.lastFrameAt > this.o.stallMs ? 1 : h.run + 1;
    h.gone = false;
    h.lastFrameAt = now;
    const p = this.playing;
    const pLive = p !== undefined && !p.gone && now - p.lastFrameAt <= this.o.stallMs;
    // Another bitrate of the same source (an SCX above stepped this branch down or back up): taken once the other went quiet.
    const retiered = p !== undefined && h.base === p.base && h.run >= TAKEOVER_FRAMES && now - p.lastFrameAt > RETIER_QUIET_MS;
    if (h !== p && (p === undefined || this.filling || !pLive || retiered || (h.priority < p.priority && h.run >= TAKEOVER_FRAMES))) {
      this.playing = h;
      this.counters.switches++;
      if (h.title !== '') this.setTitle(h.title);
    }
    if (this.playing !== h) return;
    this.filling = false;
    const header = parseMp3Header(frame, 0);
    if (header) this.format = header;
    this.counters.liveFrames++;
    this.o.frame(frame);
  }

  private onRtcp(h: Heard, payload: Uint8Array): void {
    const d = decodeRtcp(payload);
    if (!d.ok) {
      this.counters.malformed++;
      return;
    }
    // RTCP travels under the original stream's name; its tiers (another bitrate of it) share its title and its BYE.
    const family = [...this.heard.values()].filter((x) => x.base === h.base);
    for (const p of d.value) {
      if (p.type === 'SDES') {
        for (const chunk of p.chunks) for (const item of chunk.items) if (item.type === SDES_NOTE) for (const x of family) x.title = item.text;
        if (this.playing?.base === h.base && h.title !== '') this.setTitle(h.title);
      } else if (p.type === 'BYE' && h.ssrc !== undefined && p.ssrcs.includes(h.ssrc)) {
        for (const x of family) x.gone = true;
      }
    }
  }

  private setTitle(title: string): void {
    if (title === this.title) return;
    this.title = title;
    this.o.title(title);
  }

  private heardOf(name: string): Heard {
    let h = this.heard.get(name);
    if (h) return h;
    if (this.heard.size >= MAX_SOURCES) {
      let stalest: Heard | undefined;
      for (const x of this.heard.values()) if (x !== this.playing && (!stalest || x.lastFrameAt < stalest.lastFrameAt)) stalest = x;
      if (stalest) this.heard.delete(stalest.name);
    }
    const m = /^radio:(\d)@/.exec(name);
    h = { name, base: parseStreamName(name).base, priority: m ? Number(m[1]) : UNRANKED, reassembler: new MpaReassembler(), ssrc: undefined, lastFrameAt: -Infinity, run: 0, gone: false, title: '' };
    this.heard.set(name, h);
    return h;
  }

  private nextFallback(): Buffer {
    const f = this.o.fallback[this.fallbackAt % this.o.fallback.length]!;
    this.fallbackAt = (this.fallbackAt + 1) % this.o.fallback.length;
    return f;
  }

  private fallbackDurationMs(): number {
    const h = parseMp3Header(this.o.fallback[this.fallbackAt % this.o.fallback.length]!, 0);
    return h ? frameDurationMs(h) : 26;
  }
}
