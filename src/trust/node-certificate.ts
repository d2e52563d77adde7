/**
 * The X.509 certificate a node shows in its TLS handshakes: self-signed with the node's Ed25519 key, naming in its
 * subjectAltName one URI, `scx://<node id>/<overlay signature, base64url>`: the node's credential. TLS proves the
 * peer holds the certificate's key; the credential proves the overlay bound that key to that id. Nothing else in
 * the certificate is trusted (its dates and self-signature authenticate nothing).
 */

import { randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { bitString, explicit, generalizedTime, integer, octetString, oid, sequence, set, utf8String, der } from './der.ts';
import { rawPublicKey, type NodeCredential, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './credential.ts';

const ED25519 = sequence(oid('1.3.101.112'));
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';
/** The URI scheme of a credential in a certificate. */
const SCHEME = 'scx://';

/** Why a peer's certificate is refused (stable codes, counted). */
export type PeerRefusal = 'ERR_PEER_NO_CERTIFICATE' | 'ERR_PEER_CREDENTIAL_MALFORMED';

/** A node's certificate, PEM, for `credential` (whose key is `key`). Valid from a day ago for 100 years. */
export function nodeCertificate(key: KeyObject, credential: NodeCredential): string {
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String('scattercast node'))));
  const uri = `${SCHEME}${credential.id}/${Buffer.from(credential.signature).toString('base64url')}`;
  const san = sequence(oid(SUBJECT_ALT_NAME), octetString(sequence(der(0x86, Buffer.from(uri, 'ascii')))));
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.of(2))),
    integer(Buffer.concat([Buffer.of(0x01), randomBytes(15)])),
    ED25519,
    name,
    sequence(generalizedTime(new Date(now - 86_400_000)), generalizedTime(new Date(now + 100 * 365.25 * 86_400_000))),
    name,
    sequence(ED25519, bitString(rawPublicKey(key))),
    explicit(3, sequence(san)),
  );
  const cert = sequence(tbs, ED25519, bitString(sign(null, tbs, key)));
  return `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`.replace('\n\n', '\n');
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
