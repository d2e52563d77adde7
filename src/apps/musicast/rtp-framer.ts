/**
 * MP3 frames as one RTP stream (RFC 3550, MPA payload of RFC 2250): a random SSRC, sequence start and timestamp
 * base, the 90 kHz clock advanced by each frame's samples, frames above the payload limit fragmented.
 */

import { randomInt } from 'node:crypto';
import { encodeRtp } from '../../services/rtp/wire/rtp-packet.ts';
import { MPA_PAYLOAD_TYPE, mpaPacketize, rtpTicks } from '../../services/rtp/wire/mpa.ts';

/** Largest RTP payload, bytes: a frame above it is fragmented (RFC 2250), so a datagram stays under a 1500-byte MTU. */
export const MAX_RTP_PAYLOAD_BYTES = 1200;

/** One RTP stream of MP3 frames. */
export class RtpFramer {
  readonly ssrc = randomInt(1, 0xffffffff);
  private readonly base = randomInt(0, 0xffffffff);
  private seq = randomInt(0, 0x10000);
  private samples = 0;
  private sampleRate = 44100;
  /** RTP packets made. */
  packets = 0;
  /** Payload bytes sent (RTCP SR's octet count). */
  octets = 0;

  /** The RTP timestamp of the next frame. */
  get timestamp(): number {
    return (this.base + rtpTicks(this.samples, this.sampleRate)) >>> 0;
  }

  /** The RTP packets of one frame of `samplesPerFrame` samples at `sampleRate` Hz. */
  packetsOf(frame: Uint8Array, sampleRate: number, samplesPerFrame: number): Buffer[] {
    if (sampleRate !== this.sampleRate) {
      // Keep the clock continuous across a rate change: restate what was sent in the new rate's samples.
      this.samples = Math.round((this.samples * sampleRate) / this.sampleRate);
      this.sampleRate = sampleRate;
    }
    const timestamp = this.timestamp;
    this.samples += samplesPerFrame;
    const out: Buffer[] = [];
    for (const payload of mpaPacketize(frame, MAX_RTP_PAYLOAD_BYTES)) {
      out.push(encodeRtp({ payloadType: MPA_PAYLOAD_TYPE, marker: this.packets === 0, seq: this.seq, timestamp, ssrc: this.ssrc, csrcs: [], payload }));
      this.seq = (this.seq + 1) & 0xffff;
      this.packets++;
      this.octets += payload.length;
    }
    return out;
  }
}
