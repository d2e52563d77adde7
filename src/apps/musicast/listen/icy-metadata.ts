/**
 * ICY (SHOUTcast) metadata blocks, what a player that sent `Icy-MetaData: 1` finds after every `icy-metaint` bytes
 * of audio: `[L u8][L*16 bytes]`, the bytes `StreamTitle='<title>';` then NUL padding (at least one NUL, as Icecast
 * 2.4 writes it, so C players can read the block as a string). L = 0: the title did not change since the last block.
 *
 * Quotes: Icecast 2.4 (format_mp3.c, mp3_set_title) writes the title between the quotes as it is, without escaping
 * `'`; players (ffmpeg's http.c, VLC, mpv) end the value at the first `';`, so "Don't Stop" arrives whole. We do the
 * same, with two changes Icecast does not make: a NUL is removed (it is the padding), and `';` inside a title becomes
 * `' ;` (else players would cut the title there and read the rest as other keys). Icecast drops a title that does
 * not fit 255*16 bytes; we cut it at a UTF-8 boundary instead (MAX_TITLE_BYTES). See docs/wire.md.
 */

import { decodeWith, DecodeError } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';
import { utf8Text } from '../../../core/utf8.ts';

/** The text before the title. */
const PREFIX = Buffer.from("StreamTitle='", 'latin1');

/** The text after the title. */
const SUFFIX = Buffer.from("';", 'latin1');

/** Largest L: the length byte counts 16-byte units. */
const MAX_METADATA_UNITS = 255;

/** Longest title in UTF-8 bytes: 255*16 bytes less the prefix, the suffix and one NUL. */
export const MAX_TITLE_BYTES = MAX_METADATA_UNITS * 16 - PREFIX.length - SUFFIX.length - 1;

/** The block a listener gets when the title did not change since its last block: L = 0. */
export const NO_CHANGE_BLOCK: Buffer = Buffer.from([0]);

/** One decoded block: the title it carries, or undefined for L = 0 (no change). */
export interface IcyMetadata {
  readonly title: string | undefined;
}

/** `title` made fit for a block: NUL removed, `';` broken as `' ;`, lone surrogates as U+FFFD, cut to MAX_TITLE_BYTES at a UTF-8 boundary. */
export function icyTitle(title: string): string {
  const bytes = Buffer.from(title.replace(/\0/g, '').replace(/';/g, "' ;"), 'utf8');
  if (bytes.length <= MAX_TITLE_BYTES) return bytes.toString('utf8');
  let cut = MAX_TITLE_BYTES;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

/** The block carrying `title` (already icyTitle'd); throws RangeError on a title icyTitle would change. */
export function encodeMetadataBlock(title: string): Buffer {
  if (icyTitle(title) !== title) throw new RangeError('title not fit for an ICY block: pass it through icyTitle first');
  const text = Buffer.from(title, 'utf8');
  const used = PREFIX.length + text.length + SUFFIX.length;
  const units = Math.ceil((used + 1) / 16);
  const block = Buffer.alloc(1 + units * 16);
  block[0] = units;
  PREFIX.copy(block, 1);
  text.copy(block, 1 + PREFIX.length);
  SUFFIX.copy(block, 1 + PREFIX.length + text.length);
  return block;
}

/**
 * Decodes one whole block (length byte included), only in the form encodeMetadataBlock writes: ERR_WIRE_TRUNCATED
 * (short), ERR_WIRE_TRAILING (longer than 1 + L*16), ERR_WIRE_UNKNOWN_TYPE (not `StreamTitle='...';`),
 * ERR_WIRE_RANGE (no NUL after it, a non-NUL in the padding, `';` in the title), ERR_WIRE_NONCANONICAL (a whole
 * 16-byte unit of padding too many), ERR_WIRE_UTF8.
 */
export function decodeMetadataBlock(bytes: Uint8Array): Decoded<IcyMetadata> {
  return decodeWith(bytes, (r) => {
    const units = r.u8();
    if (units === 0) {
      r.end();
      return { title: undefined };
    }
    const body = r.view(units * 16, 'metadata block');
    r.end();
    const nul = body.indexOf(0);
    const text = nul < 0 ? body : body.subarray(0, nul);
    if (!startsWith(text, PREFIX) || text.length < PREFIX.length + SUFFIX.length || !endsWith(text, SUFFIX)) {
      throw new DecodeError(WireCode.UNKNOWN_TYPE, "metadata at offset 1 is not StreamTitle='...';");
    }
    if (nul < 0) throw new DecodeError(WireCode.RANGE, 'metadata block without a NUL after its text');
    if (body.subarray(nul).some((b) => b !== 0)) throw new DecodeError(WireCode.RANGE, `non-NUL padding after offset ${1 + nul}`);
    if (Math.ceil((nul + 1) / 16) !== units) throw new DecodeError(WireCode.NONCANONICAL, `length byte ${units} pads a whole unit too many`);
    const raw = text.subarray(PREFIX.length, text.length - SUFFIX.length);
    const title = utf8Text(raw, 'StreamTitle', 1 + PREFIX.length);
    if (title.includes("';")) throw new DecodeError(WireCode.RANGE, "StreamTitle holds ';");
    return { title };
  });
}

function startsWith(bytes: Uint8Array, head: Uint8Array): boolean {
  return bytes.length >= head.length && head.every((b, i) => bytes[i] === b);
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  const at = bytes.length - tail.length;
  return at >= 0 && tail.every((b, i) => bytes[at + i] === b);
}
