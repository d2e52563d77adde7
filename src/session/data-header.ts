/**
 * The scattercast header the source SCX puts on every data packet (paper 3.3): session id, channel id, source
 * address and source SCX address, plus a sequence number and a timestamp.
 *
 * Layout (big-endian): `[version u8 = 1][sessionId 16][channel u16][seq u32][timestampMs f64]
 * [source len u8][source UTF-8][sourceScx len u8][sourceScx UTF-8][payload ...]`.
 * Relays forward the packet's bytes unchanged; only the source SCX encodes. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, utf8Text, type ByteReader } from '../core/bytes.ts';
import { WireCode, type Decoded } from '../core/decoded.ts';

/** Version byte that opens every data packet. */
export const DATA_VERSION = 1;

/** Bytes of a session id (an MD5 digest). */
export const SESSION_ID_BYTES = 16;

/** The header of one data packet. */
export interface DataHeader {
  /** MD5 of the session name, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** The channel's numeric id from the announcement. */
  readonly channel: number;
  /** Per-source, per-channel sequence number, u32, wrapping. */
  readonly seq: number;
  /** When the source SCX stamped the packet, ms on its clock (finite, non-negative). */
  readonly timestampMs: number;
  /** The sending client's address (as the source SCX names it), 0..255 UTF-8 bytes. */
  readonly source: string;
  /** The source SCX: the root of the packet's distribution tree, 1..255 UTF-8 bytes. */
  readonly sourceScx: string;
}

/** A data packet: its decoded header and its whole bytes (header included), forwarded as they are. */
export interface DataPacket {
  readonly header: DataHeader;
  readonly bytes: Uint8Array;
  /** Where the payload starts in `bytes`. */
  readonly payloadOffset: number;
}

/** The last address bytes decoded and their text: a stream's packets all name the same source and source SCX. */
class AddressCache {
  private bytes = new Uint8Array(0);
  private text = '';

  /** Reads a short string, decoding its UTF-8 only when it differs from the last one. */
  read(r: ByteReader, what: string, minBytes: number): string {
    const at = r.offset;
    const b = r.shortBytes(what, minBytes);
    const last = this.bytes;
    if (b.length === last.length) {
      let i = 0;
      while (i < b.length && b[i] === last[i]) i++;
      if (i === b.length) return this.text;
    }
    this.text = utf8Text(b, what, at);
    this.bytes = new Uint8Array(b);
    return this.text;
  }
}

const sourceNames = new AddressCache();
const scxNames = new AddressCache();

/** One writer reused by every call: encoding is synchronous, and `finish()` hands out a copy. */
const writer = new ByteWriter(1024);

/** Builds a packet: the header followed by `payload`. Throws RangeError on a header that cannot be encoded. */
export function encodeDataPacket(header: DataHeader, payload: Uint8Array): DataPacket {
  const w = writer;
  w.reset();
  w.u8(DATA_VERSION);
  w.raw(header.sessionId, SESSION_ID_BYTES);
  w.u16(header.channel);
  w.u32(header.seq);
  w.nonNegative(header.timestampMs);
  w.shortString(header.source);
  w.shortString(header.sourceScx, 1);
  const payloadOffset = w.length;
  w.raw(payload);
  return { header, bytes: w.finish(), payloadOffset };
}

/** Reads the header; the session id is a view into the packet. */
function readHeader(r: ByteReader): DataHeader {
  const version = r.u8();
  if (version !== DATA_VERSION) throw new DecodeError(WireCode.VERSION, `data version ${version}, expected ${DATA_VERSION}`);
  return {
    sessionId: r.view(SESSION_ID_BYTES, 'session id'),
    channel: r.u16(),
    seq: r.u32(),
    timestampMs: r.nonNegative('timestamp'),
    source: sourceNames.read(r, 'source', 0),
    sourceScx: scxNames.read(r, 'source SCX', 1),
  };
}

/** Reads a packet's header; the payload is whatever follows it. Never throws. */
export function decodeDataPacket(bytes: Uint8Array): Decoded<DataPacket> {
  return decodeWith(bytes, (r) => ({ header: readHeader(r), bytes, payloadOffset: r.offset }));
}

/** The payload of a packet (a view, not a copy). */
export function payloadOf(packet: DataPacket): Uint8Array {
  return packet.bytes.subarray(packet.payloadOffset);
}

/**
 * Serial-number difference `a - b` of two u32 sequence numbers (RFC 1982): positive when `a` is newer, in
 * (-2^31, 2^31].
 */
export function seqDiff(a: number, b: number): number {
  return ((a - b) | 0) === -0x80000000 ? 0x80000000 : (a - b) | 0;
}
