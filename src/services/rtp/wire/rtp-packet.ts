/**
 * The RTP data packet (RFC 3550 5.1): `[V=2 P X CC u8][M PT u8][seq u16][timestamp u32][ssrc u32][csrc u32 * CC]`
 * `[header extension, when X][payload][padding, when P]`. The encoder writes neither padding nor an extension; the
 * decoder accepts both and strips them (the one departure from canonical re-encoding, see docs/wire.md), and
 * refuses any other version. Also the RFC 5761 RTP/RTCP demultiplexing test.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';

/** The only RTP (and RTCP) version spoken: 2. */
export const RTP_VERSION = 2;

/** Most contributing sources one packet names (the 4-bit CC field). */
export const MAX_CSRCS = 15;

/** Bytes of the fixed RTP header, before the CSRC list. */
export const RTP_HEADER_BYTES = 12;

/** One RTP packet, padding and header extension stripped. */
export interface RtpPacket {
  /** 0..127 (RFC 3551: 14 is MPEG audio). */
  readonly payloadType: number;
  readonly marker: boolean;
  /** u16, wrapping. */
  readonly seq: number;
  /** u32, in the payload type's clock (90 kHz for MPA), wrapping. */
  readonly timestamp: number;
  /** u32, the synchronization source. */
  readonly ssrc: number;
  /** 0..15 u32 contributing sources. */
  readonly csrcs: readonly number[];
  /** The payload: on decode, a view of the input (no copy); copy what outlives the input. */
  readonly payload: Uint8Array;
}

/** One writer reused by every call: encoding is synchronous. */
const writer = new ByteWriter(2048);

/** Encodes `p` without padding or extension; throws RangeError on a field out of its range or over 15 CSRCs. */
export function encodeRtp(p: RtpPacket): Buffer {
  if (!Number.isInteger(p.payloadType) || p.payloadType < 0 || p.payloadType > 0x7f) throw new RangeError(`payload type ${p.payloadType} is not 0..127`);
  if (p.csrcs.length > MAX_CSRCS) throw new RangeError(`${p.csrcs.length} CSRCs exceed ${MAX_CSRCS}`);
  const w = writer;
  w.reset();
  w.u8((RTP_VERSION << 6) | p.csrcs.length);
  w.u8((p.marker ? 0x80 : 0) | p.payloadType);
  w.u16(p.seq);
  w.u32(p.timestamp);
  w.u32(p.ssrc);
  for (const csrc of p.csrcs) w.u32(csrc);
  w.raw(p.payload);
  const out = w.finish();
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

/**
 * Bytes of padding at the end of `bytes` (its last byte, RFC 3550 5.1), of which `body` bytes from the end may be
 * padding; refuses a count of 0 or over `body` (ERR_WIRE_RANGE), and, with `wordAligned`, one not a multiple of 4.
 */
export function paddingCount(bytes: Uint8Array, body: number, what: string, wordAligned = false): number {
  const count = bytes[bytes.length - 1] ?? 0;
  if (count === 0 || count > body || (wordAligned && count % 4 !== 0)) {
    throw new DecodeError(WireCode.RANGE, `${what}: padding count ${count} is not 1..${body}${wordAligned ? ' and a multiple of 4' : ''}`);
  }
  return count;
}

function readRtp(r: ByteReader, bytes: Uint8Array): RtpPacket {
  const b0 = r.u8();
  if (b0 >>> 6 !== RTP_VERSION) throw new DecodeError(WireCode.VERSION, `RTP version ${b0 >>> 6}, not ${RTP_VERSION}`);
  const b1 = r.u8();
  const seq = r.u16();
  const timestamp = r.u32();
  const ssrc = r.u32();
  const csrcs: number[] = [];
  for (let i = 0; i < (b0 & 0x0f); i++) csrcs.push(r.u32());
  if (b0 & 0x10) {
    r.u16(); // the extension's profile-defined bits: stripped
    r.view(r.u16() * 4, 'header extension');
  }
  const padding = b0 & 0x20 ? paddingCount(bytes, r.remaining, 'RTP packet') : 0;
  const body = r.view(r.remaining - padding, 'payload');
  r.rest();
  const payload = new Uint8Array(body.buffer, body.byteOffset, body.length);
  return { payloadType: b1 & 0x7f, marker: (b1 & 0x80) !== 0, seq, timestamp, ssrc, csrcs, payload };
}

/**
 * Decodes one RTP packet. Never throws: a version other than 2, a cut header, CSRC list or extension, or a padding
 * count of 0 or past the payload is refused with its WireCode. The payload is a plain Uint8Array view of the input.
 */
export function decodeRtp(bytes: Uint8Array): Decoded<RtpPacket> {
  return decodeWith(bytes, (r) => readRtp(r, bytes));
}

/** RFC 5761 demultiplexing: true when the second byte (marker and payload type) is 192..223, an RTCP packet type. */
export function isRtcp(bytes: Uint8Array): boolean {
  const b1 = bytes[1];
  return b1 !== undefined && b1 >= 192 && b1 <= 223;
}
