/**
 * The forward module's one control message: RELEASE(source), sent by a downstream SCX to its previous upstream
 * once the new upstream delivers, so the previous one stops sending (make-before-break).
 * Layout: `[type u8 = 1][sourceScx UTF-8]`.
 */

const RELEASE = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes RELEASE(source). */
export function encodeRelease(source: string): Uint8Array {
  const s = encoder.encode(source);
  const out = new Uint8Array(1 + s.length);
  out[0] = RELEASE;
  out.set(s, 1);
  return out;
}

/** The source a RELEASE names; undefined for anything else. Never throws. */
export function decodeRelease(data: Uint8Array): string | undefined {
  if (data.length < 2 || data.length > 256 || data[0] !== RELEASE) return undefined;
  try {
    return decoder.decode(data.subarray(1));
  } catch {
    return undefined;
  }
}
