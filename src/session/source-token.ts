/**
 * Source tokens (docs/security.md): a session creator's leave for the bearer to send into one session until a
 * time. Layout, 93 bytes: `[version u8 = 1][sessionId 16][notAfter u32, Unix seconds][nonce 8][signature 64]`;
 * the signature is the creator's Ed25519 signature, in the context `"scattercast source token v1\0"`, of the 29
 * bytes before it. As text (the `--token` of `scattercast send`): unpadded base64url, 124 characters.
 */
import type { KeyObject } from 'node:crypto';

import { ByteWriter, decodeWith, DecodeError } from '../core/bytes.ts';
import { WireCode, type Decoded } from '../core/decoded.ts';
import { ErrorCode } from '../core/errors.ts';
import { signIn, signedIn, SIGNATURE_BYTES } from '../trust/credential.ts';
import { SESSION_ID_BYTES } from './data-header.ts';

/** Version of the token format. */
export const SOURCE_TOKEN_VERSION = 1;

/** Bytes of a token's nonce and of a whole token. */
export const TOKEN_NONCE_BYTES = 8;
export const SOURCE_TOKEN_BYTES = 1 + SESSION_ID_BYTES + 4 + TOKEN_NONCE_BYTES + SIGNATURE_BYTES;

/** Bytes of the signed part, the token without its signature. */
const SIGNED_BYTES = SOURCE_TOKEN_BYTES - SIGNATURE_BYTES;

/** The signing context of source tokens (credential.ts's signIn). */
const CONTEXT = 'source token v1';

/** A source token. */
export interface SourceToken {
  /** The session it lets its bearer send into, 16 bytes (the MD5 of the canonical name). */
  readonly sessionId: Uint8Array;
  /** The end of its validity, Unix seconds, 0..2^32-1: it is refused from this second on. */
  readonly notAfterS: number;
  /** Random bytes that tell tokens apart (logged when a sender attaches), 8 bytes. */
  readonly nonce: Uint8Array;
  /** The creator's signature, 64 bytes. */
  readonly signature: Uint8Array;
}

/** What a token is checked against: the session's creator key and id, and the time now. */
export interface TokenCheck {
  readonly publicKey: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly nowS: number;
}

/** Encodes a token. Throws RangeError on fields of a wrong size or range. */
export function encodeSourceToken(t: SourceToken): Uint8Array {
  const w = new ByteWriter(SOURCE_TOKEN_BYTES);
  w.u8(SOURCE_TOKEN_VERSION);
  w.raw(t.sessionId, SESSION_ID_BYTES);
  w.u32(t.notAfterS);
  w.raw(t.nonce, TOKEN_NONCE_BYTES);
  w.raw(t.signature, SIGNATURE_BYTES);
  return w.finish();
}

/** Decodes a token's bytes (its signature unchecked). Never throws. */
export function decodeSourceToken(b: Uint8Array): Decoded<SourceToken> {
  return decodeWith(b, (r) => {
    const version = r.u8();
    if (version !== SOURCE_TOKEN_VERSION) throw new DecodeError(WireCode.VERSION, `source token version ${version}, this node reads ${SOURCE_TOKEN_VERSION}`);
    const sessionId = new Uint8Array(r.view(SESSION_ID_BYTES, 'session id'));
    const notAfterS = r.u32();
    const nonce = new Uint8Array(r.view(TOKEN_NONCE_BYTES, 'nonce'));
    const signature = new Uint8Array(r.view(SIGNATURE_BYTES, 'signature'));
    r.end('source token');
    return { sessionId, notAfterS, nonce, signature };
  });
}

/** A token for `sessionId`, valid until `notAfterS` (Unix seconds), signed with the creator's private `key`; as text. */
export function issueSourceToken(key: KeyObject, sessionId: Uint8Array, notAfterS: number, nonce: Uint8Array): string {
  const unsigned = encodeSourceToken({ sessionId, notAfterS, nonce, signature: new Uint8Array(SIGNATURE_BYTES) });
  const signature = signIn(CONTEXT, unsigned.subarray(0, SIGNED_BYTES), key);
  return Buffer.from(encodeSourceToken({ sessionId, notAfterS, nonce, signature })).toString('base64url');
}

/** A token's text as a token, or undefined if it is not one (strict unpadded base64url of a well-formed token). */
export function readSourceToken(text: string): SourceToken | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  const d = decodeSourceToken(bytes);
  return d.ok ? d.value : undefined;
}

/**
 * Checks a token's text against a session: undefined if it lets its bearer send now, else why not, as an error
 * code: ERR_SOURCE_CREDENTIAL_INVALID (not a token, or not signed by this creator), ERR_SOURCE_TOKEN_SESSION (for
 * another of the creator's sessions), ERR_SOURCE_TOKEN_EXPIRED. Never throws.
 */
export function sourceTokenRefusal(text: string, c: TokenCheck): string | undefined {
  const t = readSourceToken(text);
  if (t === undefined) return ErrorCode.SOURCE_CREDENTIAL_INVALID;
  if (!signedIn(CONTEXT, encodeSourceToken(t).subarray(0, SIGNED_BYTES), c.publicKey, t.signature)) return ErrorCode.SOURCE_CREDENTIAL_INVALID;
  if (Buffer.compare(t.sessionId, c.sessionId) !== 0) return ErrorCode.SOURCE_TOKEN_SESSION;
  if (c.nowS >= t.notAfterS) return ErrorCode.SOURCE_TOKEN_EXPIRED;
  return undefined;
}
