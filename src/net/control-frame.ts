/**
 * Frames on a node-pair control connection, shared by all sessions: `[type u8][sessionId 16][body]`.
 * GOSSAMER carries one Gossamer message of the session; MODULE carries `[channel u16][data]` between the
 * service modules of one channel. The body runs to the end of the frame. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../core/bytes.ts';
import { WireCode, type Decoded } from '../core/decoded.ts';
import { SESSION_ID_BYTES } from '../session/data-header.ts';

/** A control frame, decoded; the session id and data are views of the frame. */
export type ControlFrame =
  | { readonly type: 'gossamer'; readonly sessionId: Buffer; readonly data: Buffer }
  | { readonly type: 'module'; readonly sessionId: Buffer; readonly channel: number; readonly data: Buffer };

const GOSSAMER = 1;
const MODULE = 2;

/** One writer reused by every call: encoding is synchronous, and the frame is a copy. */
const writer = new ByteWriter(4096);

/** `v` as a Buffer over the same memory (no copy). */
function asBuffer(v: Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Encodes a Gossamer message of a session. Throws RangeError on a session id that is not 16 bytes. */
export function gossamerFrame(sessionId: Uint8Array, data: Uint8Array): Buffer {
  const w = writer;
  w.reset();
  w.u8(GOSSAMER);
  w.raw(sessionId, SESSION_ID_BYTES);
  w.raw(data);
  return asBuffer(w.finish());
}

/** Encodes a module-to-module message of a channel. Throws RangeError on a bad session id or channel. */
export function moduleFrame(sessionId: Uint8Array, channel: number, data: Uint8Array): Buffer {
  const w = writer;
  w.reset();
  w.u8(MODULE);
  w.raw(sessionId, SESSION_ID_BYTES);
  w.u16(channel);
  w.raw(data);
  return asBuffer(w.finish());
}

function readFrame(r: ByteReader): ControlFrame {
  const type = r.u8();
  if (type !== GOSSAMER && type !== MODULE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown control frame type ${type}`);
  const sessionId = asBuffer(r.view(SESSION_ID_BYTES, 'session id'));
  if (type === GOSSAMER) return { type: 'gossamer', sessionId, data: asBuffer(r.rest()) };
  const channel = r.u16();
  return { type: 'module', sessionId, channel, data: asBuffer(r.rest()) };
}

/** Decodes a control frame. Never throws. */
export function decodeControlFrame(b: Uint8Array): Decoded<ControlFrame> {
  return decodeWith(b, readFrame);
}
