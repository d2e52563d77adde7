/**
 * ID3 tags met in an MP3 byte stream, recognised by their headers only (never parsed: their bytes are skipped).
 * ID3v2 (id3.org, ID3v2.4.0-structure 3.1): `"ID3" major(1) revision(1) flags(1) size(4, synchsafe: 7 bits a byte)`,
 * then `size` bytes, then a 10-byte footer when flags has 0x10. ID3v1: `"TAG"` and 125 more bytes, 128 in all.
 */

/** Bytes of an ID3v2 header (and of its footer). */
export const ID3V2_HEADER_BYTES = 10;

/** Bytes of an ID3v1 tag. */
export const ID3V1_BYTES = 128;

/** The footer-present flag of an ID3v2.4 header. */
const FOOTER_FLAG = 0x10;

/** What the bytes at an offset are: a tag of `bytes` bytes in all, not a tag, or too few bytes buffered to tell. */
export type TagAt = { readonly kind: 'id3v2' | 'id3v1'; readonly bytes: number } | { readonly kind: 'none' } | { readonly kind: 'more' };

const NONE: TagAt = { kind: 'none' };
const MORE: TagAt = { kind: 'more' };

/** Whether `bytes` from `offset` to its end begins `magic` (true for fewer bytes than magic, if they agree). */
function startsLike(bytes: Uint8Array, offset: number, magic: string): boolean {
  const n = Math.min(magic.length, bytes.length - offset);
  for (let i = 0; i < n; i++) if (bytes[offset + i] !== magic.charCodeAt(i)) return false;
  return true;
}

/**
 * The ID3 tag starting at `bytes[offset]`, if any. `more` when the buffered bytes end inside what could still be a
 * tag's header (never when `final`: then it is `none`). An ID3v2 header with a major version outside 2..4, a 0xff
 * revision or a size byte over 0x7f is `none`. Never throws.
 */
export function tagAt(bytes: Uint8Array, offset: number, final: boolean): TagAt {
  const left = bytes.length - offset;
  if (left <= 0) return final ? NONE : MORE;
  if (startsLike(bytes, offset, 'ID3')) {
    if (left < ID3V2_HEADER_BYTES) return final ? NONE : MORE;
    const major = bytes[offset + 3] as number;
    const revision = bytes[offset + 4] as number;
    const flags = bytes[offset + 5] as number;
    let size = 0;
    for (let i = 6; i < 10; i++) {
      const b = bytes[offset + i] as number;
      if (b > 0x7f) return NONE;
      size = size * 128 + b;
    }
    if (major < 2 || major > 4 || revision === 0xff) return NONE;
    const footer = major === 4 && (flags & FOOTER_FLAG) !== 0 ? ID3V2_HEADER_BYTES : 0;
    return { kind: 'id3v2', bytes: ID3V2_HEADER_BYTES + size + footer };
  }
  if (startsLike(bytes, offset, 'TAG')) {
    if (left < 3) return final ? NONE : MORE;
    return { kind: 'id3v1', bytes: ID3V1_BYTES };
  }
  return NONE;
}
