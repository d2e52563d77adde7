/**
 * RTCP compound packets (RFC 3550 6.4-6.7): SR, RR, SDES, BYE and APP, each `[V=2 P count u8][type u8]
 * [length u16, 32-bit words - 1][body]`, checked as RFC 3550 A.2 does: version 2 throughout, an SR or RR first, the
 * padding bit on the last packet only (never the first), lengths that add up to the datagram. Other packet types
 * (XR, feedback) are refused, not skipped, so that whatever is accepted re-encodes to itself. See docs/wire.md.
 */

import { ByteReader, ByteWriter, decodeWith, DecodeError } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';
import { paddingCount, RTP_VERSION } from './rtp-packet.ts';

/** RTCP packet type of a sender report (RFC 3550 12.1). */
export const RTCP_SR = 200;
/** RTCP packet type of a receiver report. */
export const RTCP_RR = 201;
/** RTCP packet type of source descriptions. */
export const RTCP_SDES = 202;
/** RTCP packet type of a goodbye. */
export const RTCP_BYE = 203;
/** RTCP packet type of an application-defined packet. */
export const RTCP_APP = 204;

/** SDES item type of the canonical name (RFC 3550 6.5; any type 1..255 is decoded). */
export const SDES_CNAME = 1;
/** SDES item type of a user name (a station's name). */
export const SDES_NAME = 2;
/** SDES item type of a notice (a stream title). */
export const SDES_NOTE = 7;
/** SDES item type of a private extension (its prefix length and prefix are part of the text here). */
export const SDES_PRIV = 8;

/** Largest compound packet taken or made, bytes (an Ethernet MTU): more is ERR_WIRE_OVERSIZE. */
export const MAX_RTCP_BYTES = 1500;

/** Most report blocks, SDES chunks or BYE sources in one packet (the 5-bit count). */
export const MAX_RTCP_COUNT = 31;

/** One reception report block (RFC 3550 6.4.1), about the source `ssrc`. */
export interface ReportBlock {
  readonly ssrc: number;
  /** Packets lost in the interval over packets expected, x 256: 0..255. */
  readonly fractionLost: number;
  /** Packets lost since reception began, signed 24-bit (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received: cycles x 65536 + highest seq, u32. */
  readonly highestSeq: number;
  /** Interarrival jitter, RTP timestamp ticks, u32. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from `ssrc`, 0 if none. */
  readonly lsr: number;
  /** Delay since that SR, 1/65536 s, 0 if none. */
  readonly dlsr: number;
}

/** A sender report (SR, 200). */
export interface RtcpSenderReport {
  readonly type: 'SR';
  readonly ssrc: number;
  /** NTP timestamp, whole seconds since 1900 (u32). */
  readonly ntpSec: number;
  /** NTP timestamp, fraction of a second x 2^32 (u32). */
  readonly ntpFrac: number;
  /** The same instant in RTP timestamp ticks. */
  readonly rtpTimestamp: number;
  /** RTP packets sent since the start, u32. */
  readonly packetCount: number;
  /** Payload bytes sent since the start, u32. */
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

/** A receiver report (RR, 201). */
export interface RtcpReceiverReport {
  readonly type: 'RR';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

/** One SDES item: its type (1..255) and its text, strict UTF-8 of 0..255 bytes (PRIV too). */
export interface SdesItem {
  readonly type: number;
  readonly text: string;
}

/** Source descriptions (SDES, 202). */
export interface RtcpSdes {
  readonly type: 'SDES';
  readonly chunks: readonly { readonly ssrc: number; readonly items: readonly SdesItem[] }[];
}

/** Goodbye (BYE, 203): these sources leave, for `reason` (0..255 UTF-8 bytes) when given. */
export interface RtcpBye {
  readonly type: 'BYE';
  readonly ssrcs: readonly number[];
  readonly reason?: string;
}

/** An application-defined packet (APP, 204). */
export interface RtcpApp {
  readonly type: 'APP';
  /** 0..31. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Exactly 4 printable ASCII characters (0x20..0x7e). */
  readonly name: string;
  /** A multiple of 4 bytes. */
  readonly data: Uint8Array;
}

/** Any RTCP packet this codec speaks. */
export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpApp;

const TYPE_CODES = { SR: RTCP_SR, RR: RTCP_RR, SDES: RTCP_SDES, BYE: RTCP_BYE, APP: RTCP_APP } as const;

const bodyWriter = new ByteWriter(MAX_RTCP_BYTES);
const compoundWriter = new ByteWriter(MAX_RTCP_BYTES);

/**
 * Encodes a compound packet; throws RangeError on what decodeRtcp refuses: no packets, a first that is not an SR or
 * RR, over 31 blocks, chunks or sources, a field out of range, over MAX_RTCP_BYTES in all.
 */
export function encodeRtcp(packets: readonly RtcpPacket[]): Buffer {
  const first = packets[0];
  if (first === undefined || (first.type !== 'SR' && first.type !== 'RR')) throw new RangeError('a compound RTCP packet starts with an SR or RR');
  const out = compoundWriter;
  out.reset();
  for (const p of packets) {
    bodyWriter.reset();
    const count = writeBody(bodyWriter, p);
    if (count > MAX_RTCP_COUNT) throw new RangeError(`${p.type} count ${count} exceeds ${MAX_RTCP_COUNT}`);
    const body = bodyWriter.finish();
    out.u8((RTP_VERSION << 6) | count);
    out.u8(TYPE_CODES[p.type]);
    out.u16(body.length / 4);
    out.raw(body);
  }
  if (out.length > MAX_RTCP_BYTES) throw new RangeError(`compound RTCP packet of ${out.length} bytes exceeds ${MAX_RTCP_BYTES}`);
  const bytes = out.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Writes the body of `p` (a multiple of 4 bytes); returns its header's count field. */
function writeBody(w: ByteWriter, p: RtcpPacket): number {
  switch (p.type) {
    case 'SR':
      for (const v of [p.ssrc, p.ntpSec, p.ntpFrac, p.rtpTimestamp, p.packetCount, p.octetCount]) w.u32(v);
      for (const b of p.reports) writeBlock(w, b);
      return p.reports.length;
    case 'RR':
      w.u32(p.ssrc);
      for (const b of p.reports) writeBlock(w, b);
      return p.reports.length;
    case 'SDES':
      for (const chunk of p.chunks) {
        w.u32(chunk.ssrc);
        for (const item of chunk.items) {
          if (item.type === 0) throw new RangeError('SDES item type 0 ends a chunk');
          w.u8(item.type);
          w.shortString(item.text);
        }
        w.u8(0);
        padToWord(w);
      }
      return p.chunks.length;
    case 'BYE':
      for (const ssrc of p.ssrcs) w.u32(ssrc);
      if (p.reason !== undefined) {
        w.shortString(p.reason);
        padToWord(w);
      }
      return p.ssrcs.length;
    case 'APP':
      if (!/^[\x20-\x7e]{4}$/.test(p.name)) throw new RangeError(`APP name ${JSON.stringify(p.name)} is not 4 printable ASCII characters`);
      if (p.data.length % 4 !== 0) throw new RangeError(`APP data of ${p.data.length} bytes is not a multiple of 4`);
      if (p.subtype >>> 0 !== p.subtype || p.subtype > MAX_RTCP_COUNT) throw new RangeError(`APP subtype ${p.subtype} is not 0..31`);
      w.u32(p.ssrc);
      w.utf8(p.name);
      w.raw(p.data);
      return p.subtype;
  }
}

/** Zero bytes up to the next 32-bit boundary of the body. */
function padToWord(w: ByteWriter): void {
  while (w.length % 4 !== 0) w.u8(0);
}

function writeBlock(w: ByteWriter, b: ReportBlock): void {
  if (!Number.isInteger(b.cumulativeLost) || b.cumulativeLost < -0x800000 || b.cumulativeLost > 0x7fffff) {
    throw new RangeError(`cumulative lost ${b.cumulativeLost} is not a signed 24-bit integer`);
  }
  w.u32(b.ssrc);
  w.u8(b.fractionLost);
  w.u8((b.cumulativeLost >> 16) & 0xff);
  w.u16(b.cumulativeLost & 0xffff);
  w.u32(b.highestSeq);
  w.u32(b.jitter);
  w.u32(b.lsr);
  w.u32(b.dlsr);
}

function readBlock(r: ByteReader): ReportBlock {
  const ssrc = r.u32();
  const fractionLost = r.u8();
  const lost24 = (r.u8() << 16) | r.u16();
  const cumulativeLost = lost24 & 0x800000 ? lost24 - 0x1000000 : lost24;
  return { ssrc, fractionLost, cumulativeLost, highestSeq: r.u32(), jitter: r.u32(), lsr: r.u32(), dlsr: r.u32() };
}

function readBlocks(r: ByteReader, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) blocks.push(readBlock(r));
  return blocks;
}

/** Refuses non-zero padding up to the next 32-bit boundary of the body. */
function skipWordPadding(r: ByteReader, what: string): void {
  while (r.offset % 4 !== 0) {
    const at = r.offset;
    if (r.u8() !== 0) throw new DecodeError(WireCode.RANGE, `${what}: non-zero padding at body offset ${at}`);
  }
}

/** One packet's body (padding stripped), by its type; every byte of it must be read. */
function readPacket(type: number, count: number, body: Uint8Array): RtcpPacket {
  const r = new ByteReader(body);
  let packet: RtcpPacket;
  switch (type) {
    case RTCP_SR: // fields in wire order: an object literal evaluates its values in order
      packet = { type: 'SR', ssrc: r.u32(), ntpSec: r.u32(), ntpFrac: r.u32(), rtpTimestamp: r.u32(), packetCount: r.u32(), octetCount: r.u32(), reports: readBlocks(r, count) };
      break;
    case RTCP_RR:
      packet = { type: 'RR', ssrc: r.u32(), reports: readBlocks(r, count) };
      break;
    case RTCP_SDES: {
      const chunks: { ssrc: number; items: SdesItem[] }[] = [];
      for (let i = 0; i < count; i++) {
        const ssrc = r.u32();
        const items: SdesItem[] = [];
        for (let t = r.u8(); t !== 0; t = r.u8()) items.push({ type: t, text: r.shortString('SDES item') });
        skipWordPadding(r, 'SDES chunk');
        chunks.push({ ssrc, items });
      }
      packet = { type: 'SDES', chunks };
      break;
    }
    case RTCP_BYE: {
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(r.u32());
      if (r.remaining === 0) return { type: 'BYE', ssrcs };
      const reason = r.shortString('BYE reason');
      skipWordPadding(r, 'BYE reason');
      packet = { type: 'BYE', ssrcs, reason };
      break;
    }
    case RTCP_APP: {
      const ssrc = r.u32();
      const name = String.fromCharCode(...r.view(4, 'APP name'));
      if (!/^[\x20-\x7e]{4}$/.test(name)) throw new DecodeError(WireCode.RANGE, 'APP name is not 4 printable ASCII characters');
      packet = { type: 'APP', subtype: count, ssrc, name, data: new Uint8Array(r.rest()) };
      break;
    }
    default:
      throw new DecodeError(WireCode.UNKNOWN_TYPE, `RTCP packet type ${type} is not SR, RR, SDES, BYE or APP`);
  }
  r.end(`RTCP ${packet.type}`);
  return packet;
}

function readCompound(r: ByteReader): RtcpPacket[] {
  if (r.remaining > MAX_RTCP_BYTES) throw new DecodeError(WireCode.OVERSIZE, `compound RTCP packet of ${r.remaining} bytes exceeds ${MAX_RTCP_BYTES}`);
  const packets: RtcpPacket[] = [];
  do {
    const at = r.offset;
    const b0 = r.u8();
    if (b0 >>> 6 !== RTP_VERSION) throw new DecodeError(WireCode.VERSION, `RTCP version ${b0 >>> 6} at offset ${at}, not ${RTP_VERSION}`);
    const type = r.u8();
    if (packets.length === 0 && type !== RTCP_SR && type !== RTCP_RR) throw new DecodeError(WireCode.UNKNOWN_TYPE, `compound RTCP starts with type ${type}, not SR or RR`);
    let body = r.view(r.u16() * 4, 'RTCP packet');
    if (b0 & 0x20) {
      if (packets.length === 0 || r.remaining > 0) throw new DecodeError(WireCode.RANGE, `RTCP padding bit at offset ${at}: allowed on the last packet only, never the first`);
      body = body.subarray(0, body.length - paddingCount(body, body.length, 'RTCP packet', true));
    }
    packets.push(readPacket(type, b0 & 0x1f, body));
  } while (r.remaining > 0);
  return packets;
}

/**
 * Decodes a compound RTCP packet. Never throws: over MAX_RTCP_BYTES, a version other than 2, a first packet that is
 * not an SR or RR, another type than 200..204, misplaced or bad padding, lengths that do not add up to the input,
 * non-zero SDES or BYE padding, bad UTF-8, or a bad APP name is refused with its WireCode.
 */
export function decodeRtcp(bytes: Uint8Array): Decoded<RtcpPacket[]> {
  return decodeWith(bytes, readCompound);
}
