/**
 * The MPEG audio RTP payload (RFC 2250 3.5, payload type 14, 90 kHz clock): `[MBZ u16 = 0][fragment offset u16]`
 * then either whole MPEG audio frames or one fragment of a frame larger than a packet, starting at that offset.
 * The packetizer and the depacketizer (MpaReassembler) of the `rtp` module. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';
import { parseMp3Header } from './mp3-header.ts';
import type { RtpPacket } from './rtp-packet.ts';

/** RTP payload type of MPEG audio (RFC 3551). */
export const MPA_PAYLOAD_TYPE = 14;

/** The RTP clock of MPEG audio, Hz (RFC 3551). */
export const RTP_CLOCK_HZ = 90000;

/** Bytes of the MPA header. */
export const MPA_HEADER_BYTES = 4;

/** Largest frame packetized or reassembled, bytes (an MPEG audio frame with a length is at most 2,881). */
export const MAX_MPA_FRAME_BYTES = 8192;

/** How far back (in seqs) a packet is taken as late rather than as a restart of the numbering (RFC 3550 A.1). */
const MAX_MISORDER = 100;

/** An MPA payload: the offset of its data in its frame, and the data (a view of the input on decode). */
export interface MpaPayload {
  /** Byte offset of `data` in its frame: 0 for whole frames and first fragments. */
  readonly fragmentOffset: number;
  readonly data: Uint8Array;
}

/** RTP timestamp ticks (90 kHz, mod 2^32) of `samples` PCM samples at `sampleRate` Hz; pass a running count so rounding does not drift. */
export function rtpTicks(samples: number, sampleRate: number): number {
  if (!(samples >= 0) || !(sampleRate > 0) || !Number.isFinite(samples)) throw new RangeError(`bad samples ${samples} or rate ${sampleRate}`);
  const seconds = Math.floor(samples / sampleRate); // whole seconds apart, so the product stays exact for years
  return (((seconds % 2 ** 32) * RTP_CLOCK_HZ) % 2 ** 32 + Math.floor(((samples - seconds * sampleRate) * RTP_CLOCK_HZ) / sampleRate)) % 2 ** 32;
}

const writer = new ByteWriter(2048);

/** Encodes an MPA payload; throws RangeError on an offset outside u16. */
export function encodeMpa(p: MpaPayload): Uint8Array {
  writer.reset();
  writer.u16(0);
  writer.u16(p.fragmentOffset);
  writer.raw(p.data);
  return writer.finish();
}

/** Decodes an MPA payload. Never throws: under 4 bytes is ERR_WIRE_TRUNCATED, a non-zero MBZ field ERR_WIRE_RANGE. */
export function decodeMpa(payload: Uint8Array): Decoded<MpaPayload> {
  return decodeWith(payload, (r) => {
    const mbz = r.u16();
    if (mbz !== 0) throw new DecodeError(WireCode.RANGE, `MPA MBZ field is ${mbz}, not 0`);
    const fragmentOffset = r.u16();
    const data = r.rest();
    return { fragmentOffset, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  });
}

/**
 * The RTP payloads (MPA header included) of one frame: one payload when the frame fits `maxPayloadBytes` (bytes,
 * header included), else fragments of up to `maxPayloadBytes` with increasing offsets. Throws RangeError on an empty
 * frame, one over MAX_MPA_FRAME_BYTES, or a `maxPayloadBytes` under 5.
 */
export function mpaPacketize(frame: Uint8Array, maxPayloadBytes: number): Uint8Array[] {
  if (frame.length === 0 || frame.length > MAX_MPA_FRAME_BYTES) throw new RangeError(`frame of ${frame.length} bytes is not 1..${MAX_MPA_FRAME_BYTES}`);
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes <= MPA_HEADER_BYTES) throw new RangeError(`maxPayloadBytes ${maxPayloadBytes} leaves no room for data`);
  const room = maxPayloadBytes - MPA_HEADER_BYTES;
  const out: Uint8Array[] = [];
  for (let at = 0; at < frame.length; at += room) out.push(encodeMpa({ fragmentOffset: at, data: frame.subarray(at, at + room) }));
  return out;
}

/** What a reassembler has counted. */
export interface MpaCounters {
  /** Whole frames returned. */
  frames: number;
  /** Frames given up with fragments missing: a seq gap inside, an offset that does not follow, a new frame first. */
  framesIncomplete: number;
  /** Fragments with no frame to join (its first fragment lost), dropped. */
  orphanFragments: number;
  /** Packets refused: a bad MPA header, a frame header with no length, a frame running past its packet or its size. */
  malformed: number;
  /** Packets of another payload type than 14, dropped. */
  wrongPayloadType: number;
  /** Duplicate and late packets (up to 100 seqs back), dropped: frames are returned in order only. */
  late: number;
  /** Times a new SSRC reset the reassembler. */
  ssrcChanges: number;
}

/** A frame being put together from fragments. */
interface Partial {
  readonly timestamp: number;
  readonly bytes: Uint8Array;
  got: number;
}

/**
 * Turns the MPA packets of one source, in arrival order, back into whole MPEG audio frames, in order. Holds at most
 * one partial frame (MAX_MPA_FRAME_BYTES); a new SSRC resets it. Frame lengths come from the frame headers, so a
 * free-format frame (no length in its header) is refused as malformed.
 */
export class MpaReassembler {
  /** What was returned and dropped, by reason. */
  readonly counters: MpaCounters = { frames: 0, framesIncomplete: 0, orphanFragments: 0, malformed: 0, wrongPayloadType: 0, late: 0, ssrcChanges: 0 };
  private ssrc: number | undefined;
  private lastSeq = 0;
  private partial: Partial | undefined;

  /** Takes one RTP packet; returns the frames it completes (none, one, or several), copied out of the packet. */
  push(p: RtpPacket): Uint8Array[] {
    if (p.payloadType !== MPA_PAYLOAD_TYPE) return this.drop('wrongPayloadType');
    if (p.ssrc !== this.ssrc) {
      if (this.ssrc !== undefined) this.counters.ssrcChanges++;
      this.ssrc = p.ssrc;
      this.giveUp();
    } else {
      const back = (this.lastSeq - p.seq) & 0xffff;
      if (back < MAX_MISORDER) return this.drop('late');
      if (((p.seq - this.lastSeq) & 0xffff) !== 1) this.giveUp();
    }
    this.lastSeq = p.seq;
    const mpa = decodeMpa(p.payload);
    if (!mpa.ok) return this.drop('malformed');
    const { fragmentOffset, data } = mpa.value;
    return fragmentOffset === 0 ? this.start(p.timestamp, data) : this.continue(p.timestamp, fragmentOffset, data);
  }

  /** Whole frames of a packet at offset 0; a last frame running past the packet, when it is the only one, starts a partial. */
  private start(timestamp: number, data: Uint8Array): Uint8Array[] {
    this.giveUp();
    const frames: Uint8Array[] = [];
    for (let at = 0; at < data.length; ) {
      const size = parseMp3Header(data, at)?.frameBytes;
      if (size === undefined || size === 0 || size > MAX_MPA_FRAME_BYTES || (at > 0 && at + size > data.length)) return this.drop('malformed', frames);
      if (at + size > data.length) {
        const bytes = new Uint8Array(size);
        bytes.set(data);
        this.partial = { timestamp, bytes, got: data.length };
        return frames;
      }
      frames.push(data.slice(at, at + size));
      this.counters.frames++;
      at += size;
    }
    return frames;
  }

  /** A later fragment: joins the partial frame when it follows on (the seq gap was checked in push), else is dropped. */
  private continue(timestamp: number, offset: number, data: Uint8Array): Uint8Array[] {
    const partial = this.partial;
    if (partial === undefined) return this.drop('orphanFragments');
    if (partial.timestamp !== timestamp || partial.got !== offset || offset + data.length > partial.bytes.length) {
      this.giveUp();
      return this.drop(partial.got === offset && partial.timestamp === timestamp ? 'malformed' : 'orphanFragments');
    }
    partial.bytes.set(data, offset);
    partial.got += data.length;
    if (partial.got < partial.bytes.length) return [];
    this.partial = undefined;
    this.counters.frames++;
    return [partial.bytes];
  }

  /** Drops the partial frame, if any, as incomplete. */
  private giveUp(): void {
    if (this.partial === undefined) return;
    this.partial = undefined;
    this.counters.framesIncomplete++;
  }

  private drop(reason: keyof MpaCounters, frames: Uint8Array[] = []): Uint8Array[] {
    this.counters[reason]++;
    return frames;
  }
}
