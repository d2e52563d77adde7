/**
 * A node's identity: its Ed25519 key (made on first start, kept in `<stateDir>/nodes/<id>/node.key`), the overlay's
 * credential binding its id to that key, and the TLS certificate that carries the credential. The credential is
 * issued at start when the node holds the overlay's private key, else read from `node.cred` next to the key
 * (issued by `scattercast trust issue`).
 */

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import { credentialValid, ed25519PrivateKey, issueCredential, rawPublicKey, type NodeCredential } from './credential.ts';
import { readIfPresent, writeOnce } from './key-files.ts';
import { nodeCertificate } from './node-certificate.ts';
import { derivedClusterToken, type Overlay } from './overlay.ts';

export const NODE_KEY_FILE = 'node.key';
export const NODE_CREDENTIAL_FILE = 'node.cred';

/** What a secure node proves itself with. */
export interface NodeIdentity {
  readonly overlay: Overlay;
  readonly credential: NodeCredential;
  readonly privateKey: KeyObject;
  /** The node's key and certificate for TLS, PEM. */
  readonly tls: { readonly key: string; readonly cert: string };
  /** The cluster token derived from the overlay key, if this node holds it. */
  readonly derivedToken: string | undefined;
}

/** The folder of node `id`'s key and credential under `stateDir` (`:` and `[]` made safe for every file system). */
export function nodeDir(stateDir: string, id: string): string {
  return join(stateDir, 'nodes', id.replace(/[^A-Za-z0-9.-]/g, '_'));
}

/** Node `id`'s key (made on first use), PEM and as objects. */
export function loadNodeKey(stateDir: string, id: string): { readonly pem: string; readonly privateKey: KeyObject; readonly publicKey: Buffer } {
  const keyPath = join(nodeDir(stateDir, id), NODE_KEY_FILE);
  let pem = readIfPresent(keyPath);
  if (pem === undefined) pem = writeOnce(keyPath, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const privateKey = ed25519PrivateKey(pem, keyPath);
  return { pem, privateKey, publicKey: rawPublicKey(privateKey) };
}

/** Loads (or, on first start, makes) node `id`'s key, and gets its credential (see the file's doc). */
export function loadNodeIdentity(stateDir: string, id: string, overlay: Overlay): NodeIdentity {
  const dir = nodeDir(stateDir, id);
  const { pem, privateKey, publicKey } = loadNodeKey(stateDir, id);
  const credential = overlay.privateKey ? issueCredential(overlay.privateKey, id, publicKey) : readCredential(join(dir, NODE_CREDENTIAL_FILE), id, publicKey, overlay);
  return {
    overlay,
    credential,
    privateKey,
    tls: { key: pem, cert: nodeCertificate(privateKey, credential) },
    derivedToken: overlay.privateKey ? derivedClusterToken(overlay.privateKey) : undefined,
  };
}

/** A credential file's text: `{ "id", "publicKey", "signature" }`, the bytes in base64url. */
export function credentialJson(c: NodeCredential): string {
  const b = (x: Uint8Array): string => Buffer.from(x).toString('base64url');
  return `${JSON.stringify({ id: c.id, publicKey: b(c.publicKey), signature: b(c.signature) })}\n`;
}

function readCredential(path: string, id: string, publicKey: Buffer, overlay: Overlay): NodeCredential {
  const text = readIfPresent(path);
  const ask = `scattercast trust issue --overlay <folder with overlay.key> --id ${id} --public-key ${publicKey.toString('base64url')} > ${path}`;
  if (text === undefined) throw new ScError(ErrorCode.TRUST_NO_CREDENTIAL, `this node holds no credential for ${id} and cannot issue one (no overlay.key in ${overlay.dir}); on the overlay's machine run: ${ask}`);
  let c: NodeCredential;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    c = { id: String(j.id), publicKey: Buffer.from(String(j.publicKey), 'base64url'), signature: Buffer.from(String(j.signature), 'base64url') };
  } catch {
    throw new ScError(ErrorCode.TRUST_INVALID, `${path} is not a credential (JSON with id, publicKey, signature)`);
  }
  if (c.id !== id || !publicKey.equals(c.publicKey) || !credentialValid(overlay.publicKey, c)) {
    throw new ScError(ErrorCode.TRUST_INVALID, `${path} is not this overlay's credential for ${id} and this node's key; issue a new one: ${ask}`);
  }
  return c;
}
