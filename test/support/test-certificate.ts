/**
 * A self-signed Ed25519 certificate for tests of the HTTPS admin and frontend servers, made with node:crypto the way
 * src/trust/node-certificate.ts makes a node's: it names 127.0.0.1 and localhost, so a client that trusts it (as its
 * `ca`) verifies a loopback server that shows it.
 */

import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitString, der, explicit, generalizedTime, integer, octetString, oid, sequence, set, utf8String } from '../../src/trust/der.ts';

const ED25519 = sequence(oid('1.3.101.112'));

/** A certificate and its key, PEM, and the files they were written to (in `dir`, which the test removes). */
export interface TestCertificate {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function pem(label: string, bytes: Buffer): string {
  return `-----BEGIN ${label}-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Makes a certificate for `commonName` valid for loopback (an hour ago to a day from now) and writes it to a new temporary folder. */
export function testCertificate(commonName = 'scattercast test'): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String(commonName))));
  const altNames = sequence(der(0x87, Buffer.of(127, 0, 0, 1)), der(0x82, Buffer.from('localhost', 'ascii')));
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.of(2))),
    integer(Buffer.of(0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256)))),
    ED25519,
    name,
    sequence(generalizedTime(new Date(now - 3_600_000)), generalizedTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    explicit(3, sequence(sequence(oid('2.5.29.17'), octetString(altNames)))),
  );
  const cert = pem('CERTIFICATE', sequence(tbs, ED25519, bitString(sign(null, tbs, privateKey))));
  const key = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const dir = mkdtempSync(join(tmpdir(), 'scattercast-cert-'));
  const [certFile, keyFile] = [join(dir, 'admin.crt'), join(dir, 'admin.key')];
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { dir, cert, key, certFile, keyFile };
}
