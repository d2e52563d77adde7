/**
 * Test harness of the `rtp` module: a station's stream as the MusiCast source injects it (RTP/MPA audio of model
 * MP3 frames, RTCP SR+SDES and BYE), and one SCX's module driven by hand through a fake ChannelContext on a virtual
 * clock, recording what it sends, delivers and drops.
 */

import { RtpModule } from '../../src/services/rtp/rtp.ts';
import type { RtpOptions } from '../../src/services/rtp/options.ts';
import { encodeAggregate, type SubtreeReport } from '../../src/services/rtp/wire/aggregate.ts';
import { MPA_PAYLOAD_TYPE, mpaPacketize, rtpTicks } from '../../src/services/rtp/wire/mpa.ts';
import { encodeRtcp, SDES_CNAME, SDES_NOTE } from '../../src/services/rtp/wire/rtcp.ts';
import { encodeRtp } from '../../src/services/rtp/wire/rtp-packet.ts';
import { encodeDataPacket, type DataPacket } from '../../src/session/data-header.ts';
import type { LinkId } from '../../src/transport/service-module.ts';
import { fakeChannel } from './fake-channel.ts';
import { mp3Frame } from './model-transcoder.ts';
import { advanceClock } from './virtual-clock.ts';

/** Samples of an MPEG-1 Layer III frame, and the frame's duration at 44.1 kHz, ms. */
const SAMPLES = 1152;
export const FRAME_MS = (SAMPLES * 1000) / 44100;

/** A station's RTP stream: model 128 kbit/s frames at 44.1 kHz, one RTP packet each, and its RTCP. */
export class StationStream {
  private seq = 0;
  private samples = 0;
  private sent = 0;

  constructor(readonly ssrc = 0x5ca77e57) {}

  /** The RTP payload of the next frame (its last byte numbers it, mod 256). */
  audio(): Uint8Array {
    const [payload] = mpaPacketize(mp3Frame(128, 44100, 2, this.sent & 0xff), 1400);
    const rtp = encodeRtp({ payloadType: MPA_PAYLOAD_TYPE, marker: false, seq: this.seq, timestamp: rtpTicks(this.samples, 44100), ssrc: this.ssrc, csrcs: [], payload: payload as Uint8Array });
    this.seq = (this.seq + 1) & 0xffff;
    this.samples += SAMPLES;
    this.sent++;
    return rtp;
  }

  /** An SR + SDES (CNAME, NOTE = the title) compound. */
  senderReport(title: string): Uint8Array {
    const sr = { type: 'SR' as const, ssrc: this.ssrc, ntpSec: 1, ntpFrac: 0, rtpTimestamp: rtpTicks(this.samples, 44100) >>> 0, packetCount: this.sent, octetCount: this.sent * 417, reports: [] };
    const sdes = { type: 'SDES' as const, chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: 'station@test' }, { type: SDES_NOTE, text: title }] }] };
    return encodeRtcp([sr, sdes]);
  }

  /** An RR + BYE compound: the encoder left. */
  bye(): Uint8Array {
    return encodeRtcp([{ type: 'RR', ssrc: this.ssrc, reports: [] }, { type: 'BYE', ssrcs: [this.ssrc] }]);
  }
}

/** A data packet of `source` (at source SCX `sourceScx`) with sequence `seq` around `payload`. */
export function rtpData(sourceScx: string, seq: number, payload: Uint8Array, source = 'station'): DataPacket {
  return encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source, sourceScx }, payload);
}

/** An aggregate about `mediaSsrc` whose own loss is `ownFraction` (0..1) and whose subtree is `subtree`. */
export function aggregateBytes(mediaSsrc: number, ownFraction: number, subtree: Partial<SubtreeReport> = {}): Uint8Array {
  const own = { ssrc: mediaSsrc, fractionLost: Math.min(255, Math.round(ownFraction * 256)), cumulativeLost: 0, highestSeq: 100, jitter: 0, lsr: 0, dlsr: 0 };
  const full: SubtreeReport = { receivers: 1, expected: 100, lost: Math.round(ownFraction * 100), cumulativeLost: 0, highestSeq: 100, jitterWorst: 0, jitterMean: 0, ...subtree };
  return encodeAggregate({ reporterSsrc: 0xabc, mediaSsrc, own, subtree: full });
}

/** One SCX `self` whose routes are `upstream` (source -> link) and `downstream` (source -> links). */
export function rtpScx(self: string, upstream: Record<string, LinkId>, downstream: Record<string, LinkId[]>, options: RtpOptions = {}) {
  const { ctx, clock, sent, controls, delivered, drops } = fakeChannel(self, upstream, downstream);
  const m = new RtpModule(ctx, options);
  /** Moves the clock to `to`, running every deadline met on the way. */
  const advance = (to: number): void => advanceClock(clock, to, (at) => m.handleTimeout(at));
  return { m, clock, sent, controls, delivered, drops, advance };
}
