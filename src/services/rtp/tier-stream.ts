/**
 * One transcoded stream: an input stream this SCX receives, stepped down to one tier's bitrate for the links at that
 * tier (paper 6.6.1, built here). The input's MP3 frames go to a `Transcoder`; its output frames are packetized
 * again (RFC 2250, payload type 14) under an SSRC of their own, with their own RTP sequence numbers and timestamps
 * that go on from the input's, and wrapped in data packets of a stream named `${source}~${kbps}k` with their own
 * data-header sequence, so the duplicate rule of the SCXs below keeps working.
 */

import type { Millis } from '../../core/time.ts';
import { encodeDataPacket, type DataHeader, type DataPacket } from '../../session/data-header.ts';
import type { RtpStats } from './stats.ts';
import type { Transcoder, TranscoderFactory, TranscoderInput } from './transcoder.ts';
import { MAX_MPA_FRAME_BYTES, MPA_PAYLOAD_TYPE, mpaPacketize, rtpTicks } from './wire/mpa.ts';
import { parseMp3Header } from './wire/mp3-header.ts';
import { encodeRtp } from './wire/rtp-packet.ts';

/** Most output frames taken from a transcoder at one poll (the rest wait for the next), frames. */
const MAX_FRAMES_PER_POLL = 64;

/** What names a transcoded stream. */
export interface TierStreamIdentity {
  /** The data-header fields of the packets: session, channel and source SCX of the input, `source` naming the tier. */
  readonly header: Pick<DataHeader, 'sessionId' | 'channel' | 'source' | 'sourceScx'>;
  /** The RTP SSRC of the output. */
  readonly ssrc: number;
  /** The output's bitrate, kbit/s. */
  readonly kbps: number;
}

/** The module's counters a transcoded stream adds to. */
export type TierCounters = Pick<RtpStats, 'transcoderFramesIn' | 'transcoderFramesOut' | 'transcoderFramesDropped' | 'transcoderErrors'>;

/** One (input stream, tier) transcoder with its packetizer. */
export class TierStream {
  private transcoder: Transcoder | undefined;
  private input: TranscoderInput | undefined;
  /** RTP timestamp of the first input frame fed (the output's start), and output samples since. */
  private startTimestamp = 0;
  private samplesOut = 0;
  private rtpSeq = 0;
  private dataSeq = 0;

  constructor(
    readonly id: TierStreamIdentity,
    private readonly factory: TranscoderFactory,
    private readonly maxPayloadBytes: number,
    private readonly counts: TierCounters,
  ) {}

  /** Feeds one whole MP3 frame of the input, whose RTP timestamp is `timestamp`; a frame whose format differs restarts the transcoder. */
  feed(frame: Uint8Array, timestamp: number): void {
    const info = parseMp3Header(frame, 0);
    if (!info || info.frameBytes === 0) {
      this.counts.transcoderFramesDropped++;
      return;
    }
    const channels = info.channels;
    if (this.transcoder && (this.input?.sampleRate !== info.sampleRate || this.input.channels !== channels)) this.close();
    if (!this.transcoder) {
      this.input = { sampleRate: info.sampleRate, channels };
      try {
        this.transcoder = this.factory(this.id.kbps, this.input);
      } catch {
        // A factory that cannot start one (no ffmpeg binary, say): the frame is lost, the next one tries again.
        this.counts.transcoderErrors++;
        return;
      }
      this.startTimestamp = timestamp;
      this.samplesOut = 0;
    }
    this.transcoder.push(frame);
    this.counts.transcoderFramesIn++;
  }

  /** Whether a transcoder runs (it opens with the first frame fed). */
  get open(): boolean {
    return this.transcoder !== undefined;
  }

  /** The data packets of the output frames ready now, stamped `now`. */
  poll(now: Millis): DataPacket[] {
    const out: DataPacket[] = [];
    for (let n = 0; n < MAX_FRAMES_PER_POLL && this.transcoder; n++) {
      const frame = this.transcoder.poll();
      if (!frame) break;
      const info = parseMp3Header(frame, 0);
      if (!info || info.frameBytes === 0 || frame.length > MAX_MPA_FRAME_BYTES) {
        this.counts.transcoderFramesDropped++;
        continue;
      }
      this.counts.transcoderFramesOut++;
      const timestamp = (this.startTimestamp + rtpTicks(this.samplesOut, info.sampleRate)) >>> 0;
      this.samplesOut += info.samplesPerFrame;
      for (const payload of mpaPacketize(frame, this.maxPayloadBytes)) {
        const rtp = encodeRtp({ payloadType: MPA_PAYLOAD_TYPE, marker: false, seq: this.rtpSeq, timestamp, ssrc: this.id.ssrc, csrcs: [], payload });
        this.rtpSeq = (this.rtpSeq + 1) & 0xffff;
        out.push(encodeDataPacket({ ...this.id.header, seq: this.dataSeq, timestampMs: now }, rtp));
        this.dataSeq = (this.dataSeq + 1) >>> 0;
      }
    }
    return out;
  }

  /** Stops the transcoder (a child process exits); a later frame starts a new one. */
  close(): void {
    this.transcoder?.close();
    this.transcoder = undefined;
  }
}
