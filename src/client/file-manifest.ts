/**
 * A sender's side of a bulk file's manifest (src/services/bulk/manifest.ts): one read of the file that hashes each
 * chunk and the whole, then the manifest signed with the session creator's key. A receiver trusts a manifest whose
 * key is the one the session's name is bound to (`scast://key-<id>/...`, creator-key.ts), or a key it was given.
 */

import { createHash, type KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import { boundKeyId, creatorKeyId } from '../session/creator-key.ts';
import type { SessionName } from '../session/name.ts';
import { checkManifestFits, HASH_BYTES, MAX_CHUNK_BYTES, manifestFileId, signManifest, type Manifest } from '../services/bulk/manifest.ts';

/** The default chunk size, bytes. */
export const DEFAULT_CHUNK_BYTES = MAX_CHUNK_BYTES;

/** A signed manifest and its file id. */
export interface SignedManifest {
  readonly bytes: Uint8Array;
  readonly fileId: Uint8Array;
}

/** Reads `path` once and signs its manifest with `key`; chunks of `chunkSize` bytes. */
export async function buildManifest(path: string, key: KeyObject, chunkSize = DEFAULT_CHUNK_BYTES): Promise<SignedManifest> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new ScError(ErrorCode.USAGE, `cannot read ${path}: ${err.code ?? err.message}`);
  });
  try {
    const size = (await fh.stat()).size;
    checkManifestFits(basename(path), size, chunkSize); // before reading a file too large to send
    const count = Math.ceil(size / chunkSize);
    const chunkHashes = new Uint8Array(count * HASH_BYTES);
    const whole = createHash('sha256');
    const buf = Buffer.allocUnsafe(chunkSize);
    for (let i = 0; i < count; i++) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(chunkSize, size - i * chunkSize), i * chunkSize);
      const chunk = buf.subarray(0, bytesRead);
      whole.update(chunk);
      chunkHashes.set(createHash('sha256').update(chunk).digest(), i * HASH_BYTES);
    }
    const bytes = signManifest({ name: basename(path), size, chunkSize, sha256: whole.digest(), chunkHashes }, key);
    return { bytes, fileId: manifestFileId(bytes) };
  } finally {
    await fh.close();
  }
}

/**
 * Why a receiver refuses `m`'s signer, or undefined if it trusts it: the key `trusted` when given (raw, 32 bytes),
 * else the key the session name is bound to.
 */
export function signerRefusal(m: Manifest, session: SessionName, trusted?: Uint8Array): string | undefined {
  if (trusted) return Buffer.compare(Buffer.from(trusted), Buffer.from(m.publicKey)) === 0 ? undefined : 'the manifest is signed by another key than the one given';
  const bound = boundKeyId(session);
  if (bound === undefined) return 'the session name is bound to no key: give the signer key to trust';
  return creatorKeyId(m.publicKey) === bound ? undefined : `the manifest is not signed by ${bound}, the key the session name is bound to`;
}
