/**
 * The messages of bulk file distribution, one codec for every path: the payload of a data packet (manifest parts
 * and chunks, down the tree), module-to-module control (WANT up the tree) and the client control path (a receiver's
 * WANTs, the repairs its SCX sends it, the credits a source SCX gives its sender).
 *
 * Layouts (big-endian), each opening with its type byte (32 and up: below is the inner forward module's RELEASE):
 * - MANIFEST_PART `[32][fileId 32][part u16][parts u16][bytes]`: part `part` (below `parts`, 1..MAX_MANIFEST_PARTS)
 *   of the signed manifest, at most MANIFEST_PART_BYTES; the file id is the SHA-256 of the whole manifest (manifest.ts).
 * - CHUNK `[33][fileId 32][index u32][bytes]`: chunk `index` of the file, at most MAX_CHUNK_BYTES.
 * - WANT `[34][fileId 32][n u8][first u32, count u16]×n`: chunks the sender lacks, n 1..MAX_WANT_RANGES ranges,
 *   MAX_WANT_CHUNKS chunks at most in all.
 * - WANT_MANIFEST `[35][fileId 32]` or `[35]`: that file's manifest, or the newest one the SCX has.
 * - CREDIT `[36][fileId 32][through u32]`: the source SCX took chunks through `through`; the sender may go on.
 * The encoder throws a RangeError on anything the decoder refuses. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';
import { MANIFEST_PART_BYTES, MAX_CHUNK_BYTES, MAX_MANIFEST_PARTS } from './manifest.ts';

/** Bytes of a file id (a SHA-256). */
export const FILE_ID_BYTES = 32;

/** The message types. */
export const BulkType = { MANIFEST_PART: 32, CHUNK: 33, WANT: 34, WANT_MANIFEST: 35, CREDIT: 36 } as const;

/** Most ranges in one WANT, and most chunks they may name together. */
export const MAX_WANT_RANGES = 64;
export const MAX_WANT_CHUNKS = 1024;

/** A run of chunk indices. */
export interface ChunkRange {
  readonly first: number;
  readonly count: number;
}

/** One bulk message; byte fields are views into the decoded bytes. */
export type BulkMessage =
  | { readonly type: 'manifest-part'; readonly fileId: Uint8Array; readonly part: number; readonly parts: number; readonly bytes: Uint8Array }
  | { readonly type: 'chunk'; readonly fileId: Uint8Array; readonly index: number; readonly bytes: Uint8Array }
  | { readonly type: 'want'; readonly fileId: Uint8Array; readonly ranges: readonly ChunkRange[] }
  | { readonly type: 'want-manifest'; readonly fileId: Uint8Array | undefined }
  | { readonly type: 'credit'; readonly fileId: Uint8Array; readonly through: number };

/** Throws a RangeError when `what`, of `n` bytes, is over `max` bytes (the decoder's limit). */
function checkBytes(what: string, n: number, max: number): void {
  if (n > max) throw new RangeError(`${what} of ${n} bytes exceeds ${max}`);
}

/** Throws a RangeError unless `ranges` make a WANT the decoder takes. */
function checkWant(ranges: readonly ChunkRange[]): void {
  if (ranges.length === 0 || ranges.length > MAX_WANT_RANGES) throw new RangeError(`a WANT names 1..${MAX_WANT_RANGES} ranges`);
  let total = 0;
  for (const r of ranges) {
    if (!(r.count >= 1) || r.first + r.count > 0x1_0000_0000) throw new RangeError(`WANT range ${r.first}+${r.count}`);
    total += r.count;
  }
  if (total > MAX_WANT_CHUNKS) throw new RangeError(`a WANT of ${total} chunks (at most ${MAX_WANT_CHUNKS})`);
}

/** Encodes a message. Throws RangeError on anything the decoder refuses. */
export function encodeBulk(m: BulkMessage): Uint8Array {
  const w = new ByteWriter(64 + ('bytes' in m ? m.bytes.length : 0));
  switch (m.type) {
    case 'manifest-part':
      if (!(m.parts >= 1 && m.parts <= MAX_MANIFEST_PARTS && m.part < m.parts)) throw new RangeError(`manifest part ${m.part} of ${m.parts}`);
      checkBytes('a manifest part', m.bytes.length, MANIFEST_PART_BYTES);
      w.u8(BulkType.MANIFEST_PART);
      w.raw(m.fileId, FILE_ID_BYTES);
      w.u16(m.part);
      w.u16(m.parts);
      w.raw(m.bytes);
      break;
    case 'chunk':
      checkBytes('a chunk', m.bytes.length, MAX_CHUNK_BYTES);
      w.u8(BulkType.CHUNK);
      w.raw(m.fileId, FILE_ID_BYTES);
      w.u32(m.index);
      w.raw(m.bytes);
      break;
    case 'want':
      checkWant(m.ranges);
      w.u8(BulkType.WANT);
      w.raw(m.fileId, FILE_ID_BYTES);
      w.u8(m.ranges.length);
      for (const r of m.ranges) {
        w.u32(r.first);
        w.u16(r.count);
      }
      break;
    case 'want-manifest':
      w.u8(BulkType.WANT_MANIFEST);
      if (m.fileId) w.raw(m.fileId, FILE_ID_BYTES);
      break;
    case 'credit':
      w.u8(BulkType.CREDIT);
      w.raw(m.fileId, FILE_ID_BYTES);
      w.u32(m.through);
      break;
  }
  return w.finish();
}

function readWant(r: ByteReader, fileId: Uint8Array): BulkMessage {
  const n = r.u8();
  if (n === 0 || n > MAX_WANT_RANGES) throw new DecodeError(WireCode.RANGE, `a WANT of ${n} ranges (1..${MAX_WANT_RANGES})`);
  const ranges: ChunkRange[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const first = r.u32();
    const count = r.u16();
    total += count;
    if (count === 0 || first + count > 0x1_0000_0000) throw new DecodeError(WireCode.RANGE, `WANT range ${first}+${count}`);
    ranges.push({ first, count });
  }
  if (total > MAX_WANT_CHUNKS) throw new DecodeError(WireCode.OVERSIZE, `a WANT of ${total} chunks (at most ${MAX_WANT_CHUNKS})`);
  r.end('WANT');
  return { type: 'want', fileId, ranges };
}

/** The bytes to the end, refused past `max`. */
function rest(r: ByteReader, what: string, max: number): Uint8Array {
  if (r.remaining > max) throw new DecodeError(WireCode.OVERSIZE, `${what} at offset ${r.offset}: ${r.remaining} bytes exceed limit ${max}`);
  return r.rest();
}

function readBulk(r: ByteReader): BulkMessage {
  const type = r.u8();
  if (type === BulkType.WANT_MANIFEST) {
    if (r.remaining === 0) return { type: 'want-manifest', fileId: undefined };
    const fileId = r.view(FILE_ID_BYTES, 'file id');
    r.end('WANT_MANIFEST');
    return { type: 'want-manifest', fileId };
  }
  if (type < BulkType.MANIFEST_PART || type > BulkType.CREDIT) throw new DecodeError(WireCode.UNKNOWN_TYPE, `bulk message type ${type}`);
  const fileId = r.view(FILE_ID_BYTES, 'file id');
  switch (type) {
    case BulkType.MANIFEST_PART: {
      const part = r.u16();
      const parts = r.u16();
      if (parts === 0 || parts > MAX_MANIFEST_PARTS || part >= parts) throw new DecodeError(WireCode.RANGE, `manifest part ${part} of ${parts}`);
      return { type: 'manifest-part', fileId, part, parts, bytes: rest(r, 'manifest part', MANIFEST_PART_BYTES) };
    }
    case BulkType.CHUNK: {
      const index = r.u32();
      return { type: 'chunk', fileId, index, bytes: rest(r, 'chunk', MAX_CHUNK_BYTES) };
    }
    case BulkType.WANT:
      return readWant(r, fileId);
    default: {
      const through = r.u32();
      r.end('CREDIT');
      return { type: 'credit', fileId, through };
    }
  }
}

/** Decodes a bulk message. Never throws. */
export function decodeBulk(bytes: Uint8Array): Decoded<BulkMessage> {
  return decodeWith(bytes, readBulk);
}

/** Sorted, distinct indices as ranges of at most 65535 each. */
export function toRanges(indices: readonly number[]): ChunkRange[] {
  const out: ChunkRange[] = [];
  for (const i of indices) {
    const last = out.at(-1);
    if (last && last.first + last.count === i && last.count < 0xffff) out[out.length - 1] = { first: last.first, count: last.count + 1 };
    else out.push({ first: i, count: 1 });
  }
  return out;
}

/** The file id as hex (map keys, logs). */
export function fileKey(fileId: Uint8Array): string {
  let s = '';
  for (const b of fileId) s += b.toString(16).padStart(2, '0');
  return s;
}
