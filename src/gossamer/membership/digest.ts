import type { ScxId } from '../wire/messages.ts';

/** Bits of filter per SCX id (about 2% false positives with `HASHES` hashes). */
const BITS_PER_ID = 8;
/** Fewest bits per id worth sending (about 20% false positives); a smaller filter is not sent at all. */
const MIN_BITS_PER_ID = 4;
/** Hash functions per id. */
const HASHES = 5;
/** Salt (u32) and hash count (u8) precede the bit array. */
const HEADER_BYTES = 5;

/**
 * A membership digest: a Bloom filter of every SCX the sender knows, so that a DISCOVERY_RESPONSE can carry SCXs
 * the sender is missing rather than a blind random sample. Salted per message, so a false positive in one
 * exchange is unlikely to repeat in the next. Layout: salt u32 big-endian, hash count u8, bit array.
 */
export function buildDigest(ids: readonly ScxId[], maxBytes: number, salt: number): Uint8Array {
  const bitBytes = Math.min(Math.max(1, Math.ceil((ids.length * BITS_PER_ID) / 8)), maxBytes - HEADER_BYTES);
  // Below MIN_BITS_PER_ID the filter answers "known" for most absent ids, and the answer would hold back news.
  if (bitBytes < 1 || bitBytes * 8 < ids.length * MIN_BITS_PER_ID) return new Uint8Array(0);
  const out = new Uint8Array(HEADER_BYTES + bitBytes);
  out[0] = salt >>> 24;
  out[1] = (salt >>> 16) & 0xff;
  out[2] = (salt >>> 8) & 0xff;
  out[3] = salt & 0xff;
  out[4] = HASHES;
  const bits = bitBytes * 8;
  for (const id of ids) {
    const [h1, h2] = hashes(id, salt >>> 0);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % bits;
      out[HEADER_BYTES + (at >>> 3)] = (out[HEADER_BYTES + (at >>> 3)] as number) | (1 << (at & 7));
    }
  }
  return out;
}

/**
 * A reader over a received digest; `mightContain` is false only for ids the sender surely lacks. A digest that is
 * empty or malformed (from a peer: never trusted) contains nothing, so the answer falls back to a random sample.
 */
export function digestReader(digest: Uint8Array): (id: ScxId) => boolean {
  const hashCount = digest[4] ?? 0;
  const bitBytes = digest.length - HEADER_BYTES;
  if (bitBytes < 1 || hashCount < 1 || hashCount > 16) return () => false;
  const salt = (((digest[0] as number) << 24) | ((digest[1] as number) << 16) | ((digest[2] as number) << 8) | (digest[3] as number)) >>> 0;
  const bits = bitBytes * 8;
  return (id) => {
    const [h1, h2] = hashes(id, salt);
    for (let i = 0; i < hashCount; i++) {
      const at = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
      if (((digest[HEADER_BYTES + (at >>> 3)] as number) & (1 << (at & 7))) === 0) return false;
    }
    return true;
  };
}

/** Two salted 32-bit FNV-1a hashes of an id (double hashing); the second is odd. */
function hashes(id: ScxId, salt: number): [number, number] {
  // Avalanche the salt first: FNV-1a alone carries a salt's high bits into few low bits.
  let a = (0x811c9dc5 ^ mix32(salt)) >>> 0;
  let b = (0x01000193 ^ mix32(salt ^ 0x9e3779b9)) >>> 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x85ebca6b) >>> 0;
  }
  b ^= b >>> 15;
  return [a, (b | 1) >>> 0];
}

/** Murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
