/**
 * The one result every wire decoder returns: the value, or a stable code and a human-readable reason.
 * Decoders never throw on remote input; callers branch on `ok`, count and drop a refusal, and match on `code`.
 */

/** Why bytes were refused. Stable: callers, logs and tests match on these strings. */
export const WireCode = {
  /** The input ends inside a field (empty input included), or a count announces more than is left. */
  TRUNCATED: 'ERR_WIRE_TRUNCATED',
  /** Bytes left over after a complete message. */
  TRAILING: 'ERR_WIRE_TRAILING',
  /** The input, a length or a count exceeds its limit. */
  OVERSIZE: 'ERR_WIRE_OVERSIZE',
  /** Not this protocol at all (a hello without its magic). */
  MAGIC: 'ERR_WIRE_MAGIC',
  /** A version this node does not speak. */
  VERSION: 'ERR_WIRE_VERSION',
  /** A type or kind byte with no meaning here. */
  UNKNOWN_TYPE: 'ERR_WIRE_UNKNOWN_TYPE',
  /** A field outside its valid range: an empty id, a zero count, a bool of 2, a NaN or negative time. */
  RANGE: 'ERR_WIRE_RANGE',
  /** Text that is not valid UTF-8. */
  UTF8: 'ERR_WIRE_UTF8',
  /** A varuint not in its minimal form (every value has exactly one encoding). */
  NONCANONICAL: 'ERR_WIRE_NONCANONICAL',
  /** The input is not a Uint8Array (a local caller's mistake, refused all the same). */
  NOT_BYTES: 'ERR_WIRE_NOT_BYTES',
  /** A decoder bug met by some input: refused rather than thrown, so the receiver stays up. */
  INTERNAL: 'ERR_WIRE_INTERNAL',
} as const;

/** One of the WireCode strings. */
export type WireErrorCode = (typeof WireCode)[keyof typeof WireCode];

/** A refusal: a stable code and a reason naming the field and offset. */
export interface Refused {
  readonly ok: false;
  readonly code: WireErrorCode;
  readonly reason: string;
}

/** What a decoder returns. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | Refused;

/** A successful decode. */
export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** A refused decode. */
export function refused(code: WireErrorCode, reason: string): Refused {
  return { ok: false, code, reason };
}

/** Malformed input met by a ByteReader or a codec: `code` says what kind, `reason` what was wrong and where. */
export class DecodeError extends Error {
  readonly code: WireErrorCode;
  readonly reason: string;

  constructor(code: WireErrorCode, reason: string) {
    super(reason);
    this.name = 'DecodeError';
    this.code = code;
    this.reason = reason;
  }
}
