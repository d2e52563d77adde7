/**
 * The frames of a client attachment that speaks the client control path (its hello set the control bit,
 * hello.ts): a client and its channel's service module at the SCX exchange bytes besides the data.
 *
 * - Client to SCX: every frame opens with a type byte, `0x00` a payload (a sender's data, which the SCX stamps)
 *   or `0xC7` control bytes for the module. Any other first byte, or an empty frame, is refused and counted.
 * - SCX to client: a data packet opens with its version byte (`DATA_VERSION`, 1), a refusal with `E` (its error
 *   code in ASCII), a control frame with `0xC7`, so no type byte is needed and data packets go out unchanged.
 *   An SCX sends control frames only to a client that asked for them in its hello.
 */

/** First byte of a sender's payload frame on a control-speaking attachment. */
export const PAYLOAD_FRAME = 0x00;

/** First byte of a control frame, both ways (neither a data packet's version nor an error code's `E`). */
export const CONTROL_FRAME = 0xc7;

/** A frame a control-speaking client sent, or undefined when its type byte is unknown or it is empty. */
export type ClientFrame = { readonly kind: 'payload' | 'control'; readonly body: Uint8Array } | undefined;

/** Reads a control-speaking client's frame (the body is a view). Never throws. */
export function readClientFrame(frame: Uint8Array): ClientFrame {
  if (frame.length === 0) return undefined;
  if (frame[0] === PAYLOAD_FRAME) return { kind: 'payload', body: frame.subarray(1) };
  if (frame[0] === CONTROL_FRAME) return { kind: 'control', body: frame.subarray(1) };
  return undefined;
}

/** `body` behind the type byte `type` (PAYLOAD_FRAME or CONTROL_FRAME), as one frame's payload (a copy). */
export function typedFrame(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}
