/**
 * A self-signed Ed25519 X.509 v3 certificate, the little of RFC 5280 that TLS needs: a common name, subjectAltName
 * entries, a validity window, and the key's own signature. The node certificate (node-certificate.ts) is one.
 */

import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, explicit, generalizedTime, integer, octetString, oid, sequence, set, utf8String } from './der.ts';
import { rawPublicKey } from './credential.ts';

const ED25519 = sequence(oid('1.3.101.112'));
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';

/** What a certificate says. */
export interface CertificateFields {
  /** Subject and issuer common name. */
  readonly commonName: string;
  /** The subjectAltName's GeneralName entries, each DER-encoded with its context tag (e.g. 0x86 a URI, 0x87 an IP). */
  readonly altNames: readonly Uint8Array[];
  /** Validity, from and to. */
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** `key`'s self-signed certificate with `fields`, PEM. */
export function selfSignedCertificate(key: KeyObject, fields: CertificateFields): string {
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String(fields.commonName))));
  const san = sequence(oid(SUBJECT_ALT_NAME), octetString(sequence(...fields.altNames)));
  const tbs = sequence(
    explicit(0, integer(Buffer.of(2))),
    integer(Buffer.concat([Buffer.of(0x01), randomBytes(15)])),
    ED25519,
    name,
    sequence(generalizedTime(fields.notBefore), generalizedTime(fields.notAfter)),
    name,
    sequence(ED25519, bitString(rawPublicKey(key))),
    explicit(3, sequence(san)),
  );
  const der = sequence(tbs, ED25519, bitString(sign(null, tbs, key)));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
