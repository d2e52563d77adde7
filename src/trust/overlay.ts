/**
 * The overlay credential: the Ed25519 key pair whose signature makes a node a member (see credential.ts). Kept in
 * one folder: `overlay.pub` (every node needs it) and `overlay.key` (only who issues credentials: every node of a
 * single-operator deployment, or the operator's machine alone). A secure node whose folder holds neither makes a
 * new overlay there on first start: one machine's nodes then trust each other with no setup.
 */

import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import { ed25519PrivateKey, PUBLIC_KEY_BYTES, rawPublicKey } from './credential.ts';
import { readIfPresent, writeOnce } from './key-files.ts';

export const OVERLAY_KEY_FILE = 'overlay.key';
export const OVERLAY_PUB_FILE = 'overlay.pub';

/** An overlay as a node holds it. */
export interface Overlay {
  /** The overlay's raw public key, 32 bytes: every credential is checked against it. */
  readonly publicKey: Uint8Array;
  /** The overlay's private key, if this node may issue credentials. */
  readonly privateKey: KeyObject | undefined;
  /** The folder it was read from. */
  readonly dir: string;
}

/** Reads the overlay in `dir`; when `create` and it holds no overlay, makes one there first. */
export function loadOverlay(dir: string, create: boolean): Overlay {
  let keyPem = readIfPresent(join(dir, OVERLAY_KEY_FILE));
  let pubText = readIfPresent(join(dir, OVERLAY_PUB_FILE));
  if (keyPem === undefined && pubText === undefined) {
    if (!create) throw new ScError(ErrorCode.TRUST_NO_CREDENTIAL, `no overlay in ${dir}: copy the overlay's ${OVERLAY_PUB_FILE} there (see docs/security.md)`);
    const { privateKey } = generateKeyPairSync('ed25519');
    keyPem = writeOnce(join(dir, OVERLAY_KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  }
  const privateKey = keyPem === undefined ? undefined : ed25519PrivateKey(keyPem, join(dir, OVERLAY_KEY_FILE));
  if (privateKey && pubText === undefined) pubText = writeOnce(join(dir, OVERLAY_PUB_FILE), `${rawPublicKey(privateKey).toString('base64url')}\n`);
  const publicKey = Buffer.from((pubText as string).trim(), 'base64url');
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new ScError(ErrorCode.TRUST_INVALID, `${join(dir, OVERLAY_PUB_FILE)} must hold a 32-byte public key in base64url`);
  if (privateKey && !rawPublicKey(privateKey).equals(publicKey)) {
    throw new ScError(ErrorCode.TRUST_INVALID, `${OVERLAY_KEY_FILE} and ${OVERLAY_PUB_FILE} in ${dir} are not one key pair`);
  }
  return { publicKey, privateKey, dir };
}

/** The cluster token derived from an overlay's private key: what its nodes send on the cluster-internal API (hex). */
export function derivedClusterToken(privateKey: KeyObject): string {
  const d = privateKey.export({ format: 'jwk' }).d as string;
  return createHash('sha256').update('scattercast cluster token\0').update(d).digest('hex');
}
