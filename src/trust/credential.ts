/**
 * A node credential: the overlay's signature binding a node id (`host:port`) to the node's Ed25519 public key.
 * Whoever holds the overlay key issues credentials; every node checks them against the overlay's public key, so a
 * node is who its credential says only if it also proves it holds the key (the TLS handshake, or a signature).
 * Signed bytes: `"scattercast node credential v1\0" [id len u8][id UTF-8][public key 32]`.
 */

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ErrorCode, ScError } from '../core/errors.ts';

/** Bytes of an Ed25519 public key and of a signature. */
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** What the overlay signs for a node, domain-separated from every other signature. */
const CREDENTIAL_CONTEXT = Buffer.from('scattercast node credential v1\0');

/** Most public keys kept as KeyObjects for verifying (each verify would otherwise import its key again). */
const MAX_CACHED_KEYS = 4096;

/** A node's credential. */
export interface NodeCredential {
  /** The node id it names, `host:port`. */
  readonly id: string;
  /** The node's raw Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  /** The overlay's Ed25519 signature over the id and the key, 64 bytes. */
  readonly signature: Uint8Array;
}

/** The bytes the overlay signs for `id` and `publicKey`. */
function credentialBytes(id: string, publicKey: Uint8Array): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  if (idBytes.length === 0 || idBytes.length > 255) throw new ScError(ErrorCode.TRUST_INVALID, `a node id of ${idBytes.length} bytes cannot be credentialed`);
  return Buffer.concat([CREDENTIAL_CONTEXT, Buffer.of(idBytes.length), idBytes, publicKey]);
}

/** Issues a credential for `id` and `publicKey` with the overlay's private key. */
export function issueCredential(overlayKey: KeyObject, id: string, publicKey: Uint8Array): NodeCredential {
  return { id, publicKey, signature: sign(null, credentialBytes(id, publicKey), overlayKey) };
}

/** Whether `c` was issued by the overlay whose raw public key is `overlayPublicKey`. Never throws. */
export function credentialValid(overlayPublicKey: Uint8Array, c: NodeCredential): boolean {
  if (c.publicKey.length !== PUBLIC_KEY_BYTES || c.signature.length !== SIGNATURE_BYTES) return false;
  const id = Buffer.byteLength(c.id, 'utf8');
  if (id === 0 || id > 255) return false;
  return verify(null, credentialBytes(c.id, c.publicKey), publicKeyObject(overlayPublicKey), c.signature);
}

/** Signs `data` in the context `context` (every kind of signed message has its own) with a node or overlay key. */
export function signIn(context: string, data: Uint8Array, key: KeyObject): Buffer {
  return sign(null, Buffer.concat([Buffer.from(`scattercast ${context}\0`), data]), key);
}

/** Whether `signature` is `publicKey`'s signature of `data` in `context` (see signIn). Never throws. */
export function signedIn(context: string, data: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  return verify(null, Buffer.concat([Buffer.from(`scattercast ${context}\0`), data]), publicKeyObject(publicKey), signature);
}

const keyCache = new Map<string, KeyObject>();

/** A raw Ed25519 public key as a KeyObject (cached, the oldest forgotten first). */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw).toString('base64url');
  let k = keyCache.get(x);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(x, k);
  }
  return k;
}

/** A KeyObject's raw Ed25519 public key (of a public or a private key). */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return Buffer.from(pub.export({ format: 'jwk' }).x as string, 'base64url');
}

/** A private key from PEM; throws ERR_TRUST_INVALID if it is not an Ed25519 private key. */
export function ed25519PrivateKey(pem: string, what: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey(pem);
  } catch (err) {
    throw new ScError(ErrorCode.TRUST_INVALID, `${what} is not a private key in PEM: ${(err as Error).message}`);
  }
  if (k.asymmetricKeyType !== 'ed25519') throw new ScError(ErrorCode.TRUST_INVALID, `${what} is a ${k.asymmetricKeyType} key, not Ed25519`);
  return k;
}
