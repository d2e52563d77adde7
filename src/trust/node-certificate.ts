/**
 * The X.509 certificate a node shows in its TLS handshakes: self-signed with the node's Ed25519 key, naming in its
 * subjectAltName one URI, `scx://<node id>/<overlay signature, base64url>`: the node's credential. TLS proves the
 * peer holds the certificate's key; the credential proves the overlay bound that key to that id. Nothing else in
 * the certificate is trusted (its dates and self-signature authenticate nothing).
 */

import type { KeyObject, X509Certificate } from 'node:crypto';
import { der } from './der.ts';
import { rawPublicKey, type NodeCredential, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './credential.ts';
import { selfSignedCertificate } from './x509.ts';

/** The URI scheme of a credential in a certificate. */
const SCHEME = 'scx://';

/** A day, and a century, ms. */
const DAY_MS = 86_400_000;
const CENTURY_MS = 100 * 365.25 * DAY_MS;

/** Why a peer's certificate is refused (stable codes, counted). */
export type PeerRefusal = 'ERR_PEER_NO_CERTIFICATE' | 'ERR_PEER_CREDENTIAL_MALFORMED';

/** A node's certificate, PEM, for `credential` (whose key is `key`). Valid from a day ago for 100 years. */
export function nodeCertificate(key: KeyObject, credential: NodeCredential): string {
  const uri = `${SCHEME}${credential.id}/${Buffer.from(credential.signature).toString('base64url')}`;
  const now = Date.now();
  return selfSignedCertificate(key, {
    commonName: 'scattercast node',
    altNames: [der(0x86, Buffer.from(uri, 'ascii'))],
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CENTURY_MS),
  });
}

/** The credential a peer's certificate carries (not yet checked against the overlay), or why there is none. */
export function certificateCredential(cert: X509Certificate | undefined): NodeCredential | PeerRefusal {
  if (!cert) return 'ERR_PEER_NO_CERTIFICATE';
  if (cert.publicKey.asymmetricKeyType !== 'ed25519') return 'ERR_PEER_CREDENTIAL_MALFORMED';
  const uris = (cert.subjectAltName ?? '').split(', ').filter((n) => n.startsWith(`URI:${SCHEME}`));
  if (uris.length !== 1) return 'ERR_PEER_CREDENTIAL_MALFORMED';
  const rest = (uris[0] as string).slice(`URI:${SCHEME}`.length);
  const slash = rest.lastIndexOf('/');
  const signature = Buffer.from(rest.slice(slash + 1), 'base64url');
  const publicKey = rawPublicKey(cert.publicKey);
  if (slash <= 0 || signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return 'ERR_PEER_CREDENTIAL_MALFORMED';
  return { id: rest.slice(0, slash), publicKey, signature };
}
