/**
 * The signed manifest of a bulk file: its name, size, chunk size, the SHA-256 of every chunk and of the whole
 * file, and the signer's Ed25519 key and signature. Its file id is the SHA-256 of the manifest's bytes; it travels
 * in MANIFEST_PART messages of at most MANIFEST_PART_BYTES each (messages.ts).
 *
 * Layout (big-endian): `[version u8 = 1][size varuint][chunkSize u32][sha256 32][name len u8][name UTF-8]
 * [count u32][chunk SHA-256 32]×count[publicKey 32][signature 64]`; the signature, in the context
 * `"scattercast bulk manifest v1\0"`, covers every byte before it. Who may sign is the receiver's call
 * (src/client/file-receiver.ts: the key the session name is bound to, or one it was given).
 */

import { createHash, type KeyObject } from 'node:crypto';
import { ByteWriter, decodeWith, DecodeError, utf8Length } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';
import { ErrorCode, ScError } from '../../core/errors.ts';
import { PUBLIC_KEY_BYTES, rawPublicKey, signIn, signedIn, SIGNATURE_BYTES } from '../../trust/credential.ts';

/** Version of the manifest format. */
export const MANIFEST_VERSION = 1;

/** Largest chunk, bytes: a chunk, its headers and the client's type byte fit one frame (MAX_FRAME_BYTES, 70 KiB). */
export const MAX_CHUNK_BYTES = 64 * 1024;

/** Bytes of manifest per MANIFEST_PART message. */
export const MANIFEST_PART_BYTES = 60_000;

/** Most parts of a manifest. */
export const MAX_MANIFEST_PARTS = 64;

/** Most bytes of a manifest: MAX_MANIFEST_PARTS full parts (about 120,000 chunks, 7.3 GiB at MAX_CHUNK_BYTES). */
export const MAX_MANIFEST_BYTES = MAX_MANIFEST_PARTS * MANIFEST_PART_BYTES;

/** Bytes of a SHA-256. */
export const HASH_BYTES = 32;

/** The signing context of manifests (credential.ts's signIn). */
const CONTEXT = 'bulk manifest v1';

/** A manifest, decoded. */
export interface Manifest {
  /** The file's name: one path component, no `/`, `\` or NUL, not `.` or `..`. */
  readonly name: string;
  /** The file's size, bytes. */
  readonly size: number;
  /** Bytes per chunk (the last one may be shorter), 1..MAX_CHUNK_BYTES. */
  readonly chunkSize: number;
  /** SHA-256 of the whole file. */
  readonly sha256: Uint8Array;
  /** SHA-256 of each chunk, concatenated (32 bytes a chunk). */
  readonly chunkHashes: Uint8Array;
  /** The signer's raw Ed25519 public key and its signature. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** What a sender describes before signing. */
export type ManifestContent = Omit<Manifest, 'publicKey' | 'signature'>;

/** Whether `name` is a plain file name (a receiver writes it into its folder as it is). */
export function plainFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** How many chunks a file of `size` bytes has at `chunkSize`. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Throws an ScError (ERR_FILE_TOO_LARGE) when the manifest of a file named `name` of `size` bytes in chunks of
 * `chunkSize` bytes would exceed MAX_MANIFEST_BYTES (MAX_MANIFEST_PARTS parts), so before a sender reads the file.
 */
export function checkManifestFits(name: string, size: number, chunkSize: number): void {
  let sizeBytes = 1;
  for (let v = size; v >= 0x80; v = Math.floor(v / 0x80)) sizeBytes++;
  const count = chunkCount(size, chunkSize);
  const bytes = 1 + sizeBytes + 4 + HASH_BYTES + 1 + utf8Length(name) + 4 + count * HASH_BYTES + PUBLIC_KEY_BYTES + SIGNATURE_BYTES;
  if (!(bytes > MAX_MANIFEST_BYTES)) return; // a size that is no number is signManifest's RangeError
  throw new ScError(
    ErrorCode.FILE_TOO_LARGE,
    `${name} is too large for a bulk channel: ${count} chunks of ${chunkSize} bytes need a manifest of ${bytes} bytes, over the limit of ${MAX_MANIFEST_BYTES} (${MAX_MANIFEST_PARTS} parts)`,
  );
}

/**
 * The manifest's bytes, signed with the Ed25519 private `key`. Throws RangeError on content out of range, an ScError
 * (ERR_FILE_TOO_LARGE) on a manifest over MAX_MANIFEST_BYTES.
 */
export function signManifest(c: ManifestContent, key: KeyObject): Uint8Array {
  if (!plainFileName(c.name)) throw new RangeError(`${JSON.stringify(c.name)} is not a plain file name`);
  if (c.chunkSize < 1 || c.chunkSize > MAX_CHUNK_BYTES) throw new RangeError(`chunk size ${c.chunkSize} is not 1..${MAX_CHUNK_BYTES}`);
  checkManifestFits(c.name, c.size, c.chunkSize);
  const count = chunkCount(c.size, c.chunkSize);
  if (c.chunkHashes.length !== count * HASH_BYTES) throw new RangeError(`${c.chunkHashes.length / HASH_BYTES} chunk hashes for ${count} chunks`);
  const w = new ByteWriter(128 + c.chunkHashes.length);
  w.u8(MANIFEST_VERSION);
  w.varuint(c.size);
  w.u32(c.chunkSize);
  w.raw(c.sha256, HASH_BYTES);
  w.shortString(c.name, 1);
  w.u32(count);
  w.raw(c.chunkHashes);
  w.raw(rawPublicKey(key), PUBLIC_KEY_BYTES);
  const unsigned = w.finish();
  return Buffer.concat([unsigned, signIn(CONTEXT, unsigned, key)]);
}

/** Decodes a manifest and checks that its signature is its key's (not who the key is). Never throws. */
export function decodeManifest(bytes: Uint8Array): Decoded<Manifest> {
  return decodeWith(bytes, (r) => {
    if (r.remaining > MAX_MANIFEST_BYTES) throw new DecodeError(WireCode.OVERSIZE, `a manifest of ${r.remaining} bytes exceeds ${MAX_MANIFEST_BYTES}`);
    const version = r.u8();
    if (version !== MANIFEST_VERSION) throw new DecodeError(WireCode.VERSION, `manifest version ${version}, this reads ${MANIFEST_VERSION}`);
    const size = r.varuint();
    const chunkSize = r.u32();
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) throw new DecodeError(WireCode.RANGE, `chunk size ${chunkSize}`);
    const sha = r.view(HASH_BYTES, 'sha256');
    const name = r.shortString('name', 1);
    if (!plainFileName(name)) throw new DecodeError(WireCode.RANGE, 'the file name is not a plain file name');
    const count = r.u32();
    if (count !== chunkCount(size, chunkSize)) throw new DecodeError(WireCode.RANGE, `${count} chunks for ${size} bytes at ${chunkSize}`);
    const chunkHashes = r.view(count * HASH_BYTES, 'chunk hashes');
    const publicKey = r.view(PUBLIC_KEY_BYTES, 'public key');
    const signed = r.offset;
    const signature = r.view(SIGNATURE_BYTES, 'signature');
    r.end('manifest');
    if (!signedIn(CONTEXT, bytes.subarray(0, signed), publicKey, signature)) throw new DecodeError(WireCode.RANGE, 'the manifest signature does not verify');
    return { name, size, chunkSize, sha256: sha, chunkHashes, publicKey, signature };
  });
}

/** Whether `bytes` are chunk `index` of the file `m` describes (its length and its SHA-256). */
export function chunkMatches(m: Manifest, index: number, bytes: Uint8Array): boolean {
  const count = chunkCount(m.size, m.chunkSize);
  if (index >= count) return false;
  const length = index === count - 1 ? m.size - index * m.chunkSize : m.chunkSize;
  if (bytes.length !== length) return false;
  const want = m.chunkHashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  return Buffer.compare(sha256(bytes), want) === 0;
}

/** The manifest's bytes as MANIFEST_PART bodies, in order (one part at least); an ScError past MAX_MANIFEST_PARTS. */
export function manifestParts(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ScError(ErrorCode.FILE_TOO_LARGE, `a manifest of ${bytes.length} bytes is over the limit of ${MAX_MANIFEST_BYTES} (${MAX_MANIFEST_PARTS} parts)`);
  }
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || parts.length === 0; at += MANIFEST_PART_BYTES) parts.push(bytes.subarray(at, at + MANIFEST_PART_BYTES));
  return parts;
}

/** The file id of a manifest: the SHA-256 of its bytes. */
export function manifestFileId(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}
