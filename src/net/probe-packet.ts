/**
 * The probe module's packets on a node's UDP socket (paper 4.3): a PING, answered by an ECHO that hands back
 * its nonce and time stamp. Layout (big-endian): `[type u8: 1 PING, 2 ECHO][nonce u32][sentMs f64]`, 13 bytes.
 * See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../core/bytes.ts';
import { WireCode, type Decoded } from '../core/decoded.ts';

/** Type bytes of probe packets. */
export const ProbeType = { PING: 1, ECHO: 2 } as const;

/** PING or ECHO. */
export type ProbeTypeValue = (typeof ProbeType)[keyof typeof ProbeType];

/** A PING or ECHO. */
export interface ProbePacket {
  readonly type: ProbeTypeValue;
  /** Chosen by the pinger, u32; the echo returns it. */
  readonly nonce: number;
  /** The pinger's clock when it sent the PING, ms (finite, non-negative); the echo returns it. */
  readonly sentMs: number;
}

/** One writer reused by every call: encoding is synchronous, and `finish()` hands out a copy. */
const writer = new ByteWriter(16);

/** Encodes a PING or ECHO. Throws RangeError on a nonce outside u32 or a time that is negative or not finite. */
export function encodeProbePacket(p: ProbePacket): Uint8Array {
  const w = writer;
  w.reset();
  w.u8(p.type);
  w.u32(p.nonce);
  w.nonNegative(p.sentMs);
  return w.finish();
}

function readProbe(r: ByteReader): ProbePacket {
  const type = r.u8();
  if (type !== ProbeType.PING && type !== ProbeType.ECHO) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown probe type ${type}`);
  const packet = { type, nonce: r.u32(), sentMs: r.nonNegative('sent time') };
  r.end('probe packet');
  return packet;
}

/** Decodes a PING or ECHO. Never throws. */
export function decodeProbePacket(b: Uint8Array): Decoded<ProbePacket> {
  return decodeWith(b, readProbe);
}
