/**
 * Frames on a node-pair control connection, shared by all sessions: `[type u8][sessionId 16][body]`.
 * GOSSAMER carries one Gossamer message of the session; MODULE carries `[channel u16][data]` between the
 * service modules of one channel.
 */

/** A control frame, decoded. */
export type ControlFrame =
  | { readonly type: 'gossamer'; readonly sessionId: Buffer; readonly data: Buffer }
  | { readonly type: 'module'; readonly sessionId: Buffer; readonly channel: number; readonly data: Buffer };

const GOSSAMER = 1;
const MODULE = 2;

/** Encodes a Gossamer message of a session. */
export function gossamerFrame(sessionId: Uint8Array, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(17 + data.length);
  out[0] = GOSSAMER;
  out.set(sessionId, 1);
  out.set(data, 17);
  return out;
}

/** Encodes a module-to-module message of a channel. */
export function moduleFrame(sessionId: Uint8Array, channel: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(19 + data.length);
  out[0] = MODULE;
  out.set(sessionId, 1);
  out.writeUInt16BE(channel, 17);
  out.set(data, 19);
  return out;
}

/** Decodes a control frame; undefined when malformed. Never throws. */
export function decodeControlFrame(b: Buffer): ControlFrame | undefined {
  if (b.length < 17) return undefined;
  const sessionId = b.subarray(1, 17);
  if (b[0] === GOSSAMER) return { type: 'gossamer', sessionId, data: b.subarray(17) };
  if (b[0] === MODULE && b.length >= 19) return { type: 'module', sessionId, channel: b.readUInt16BE(17), data: b.subarray(19) };
  return undefined;
}
