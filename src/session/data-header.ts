/**
 * The scattercast header the source SCX puts on every data packet (paper 3.3): session id, channel id, source
 * address and source SCX address, plus a sequence number and a timestamp.
 *
 * Layout (big-endian): `[version u8 = 1][sessionId 16][channel u16][seq u32][timestampMs f64]
 * [source len u8][source UTF-8][sourceScx len u8][sourceScx UTF-8][payload ...]`.
 * Relays forward the packet's bytes unchanged; only the source SCX encodes.
 */

/** Version byte that opens every data packet. */
export const DATA_VERSION = 1;

/** Bytes of a session id (an MD5 digest). */
export const SESSION_ID_BYTES = 16;

/** Bytes of the fixed part of the header. */
const FIXED_BYTES = 1 + SESSION_ID_BYTES + 2 + 4 + 8;

/** The header of one data packet. */
export interface DataHeader {
  /** MD5 of the session name, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** The channel's numeric id from the announcement. */
  readonly channel: number;
  /** Per-source, per-channel sequence number, u32, wrapping. */
  readonly seq: number;
  /** When the source SCX stamped the packet, ms on its clock. */
  readonly timestampMs: number;
  /** The sending client's address (as the source SCX names it). */
  readonly source: string;
  /** The source SCX: the root of the packet's distribution tree. */
  readonly sourceScx: string;
}

/** A data packet: its decoded header and its whole bytes (header included), forwarded as they are. */
export interface DataPacket {
  readonly header: DataHeader;
  readonly bytes: Uint8Array;
  /** Where the payload starts in `bytes`. */
  readonly payloadOffset: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The last address bytes decoded and their text: a stream's packets all name the same source and source SCX. */
class AddressCache {
  private bytes = new Uint8Array(0);
  private text = '';

  /** The UTF-8 text of `b[at, at + len)` (throws on invalid UTF-8, as the decoder does). */
  decode(b: Uint8Array, at: number, len: number): string {
    const last = this.bytes;
    if (len === last.length) {
      let i = 0;
      while (i < len && b[at + i] === last[i]) i++;
      if (i === len) return this.text;
    }
    const bytes = b.slice(at, at + len);
    const text = decoder.decode(bytes);
    this.bytes = bytes;
    this.text = text;
    return text;
  }
}

const sourceNames = new AddressCache();
const scxNames = new AddressCache();

/** Builds a packet: the header followed by `payload`. Throws RangeError on a header that cannot be encoded. */
export function encodeDataPacket(header: DataHeader, payload: Uint8Array): DataPacket {
  if (header.sessionId.length !== SESSION_ID_BYTES) throw new RangeError('session id must be 16 bytes');
  if ((header.channel & 0xffff) !== header.channel) throw new RangeError(`channel out of range: ${header.channel}`);
  if (header.seq >>> 0 !== header.seq) throw new RangeError(`seq out of range: ${header.seq}`);
  const source = encoder.encode(header.source);
  const scx = encoder.encode(header.sourceScx);
  if (source.length > 255 || scx.length === 0 || scx.length > 255) throw new RangeError('address too long or empty');
  const payloadOffset = FIXED_BYTES + 2 + source.length + scx.length;
  const bytes = new Uint8Array(payloadOffset + payload.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = DATA_VERSION;
  bytes.set(header.sessionId, 1);
  view.setUint16(17, header.channel);
  view.setUint32(19, header.seq);
  view.setFloat64(23, header.timestampMs);
  let p = FIXED_BYTES;
  bytes[p++] = source.length;
  bytes.set(source, p);
  p += source.length;
  bytes[p++] = scx.length;
  bytes.set(scx, p);
  bytes.set(payload, payloadOffset);
  return { header, bytes, payloadOffset };
}

/** Reads a packet's header; undefined when the bytes are not a well-formed data packet. Never throws. */
export function decodeDataPacket(bytes: Uint8Array): DataPacket | undefined {
  if (bytes.length < FIXED_BYTES + 2 || bytes[0] !== DATA_VERSION) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = FIXED_BYTES;
  const sourceLen = bytes[p++] as number;
  if (p + sourceLen + 1 > bytes.length) return undefined;
  const sourceAt = p;
  p += sourceLen;
  const scxLen = bytes[p++] as number;
  if (scxLen === 0 || p + scxLen > bytes.length) return undefined;
  try {
    const header: DataHeader = {
      sessionId: bytes.subarray(1, 1 + SESSION_ID_BYTES),
      channel: view.getUint16(17),
      seq: view.getUint32(19),
      timestampMs: view.getFloat64(23),
      source: sourceNames.decode(bytes, sourceAt, sourceLen),
      sourceScx: scxNames.decode(bytes, p, scxLen),
    };
    return { header, bytes, payloadOffset: p + scxLen };
  } catch {
    return undefined;
  }
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
