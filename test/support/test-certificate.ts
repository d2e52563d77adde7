/**
 * A self-signed Ed25519 certificate for tests of the HTTPS admin and frontend servers, made as a node's is
 * (src/trust/x509.ts): it names 127.0.0.1 and localhost, so a client that trusts it (as its `ca`) verifies a loopback
 * server that shows it.
 */

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { der } from '../../src/trust/der.ts';
import { selfSignedCertificate } from '../../src/trust/x509.ts';

/** A certificate and its key, PEM, and the files they were written to (in `dir`, which the test removes). */
export interface TestCertificate {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Makes a certificate for `commonName` valid for loopback (an hour ago to a day from now) and writes it to a new temporary folder. */
export function testCertificate(commonName = 'scattercast test'): TestCertificate {
  const { privateKey } = generateKeyPairSync('ed25519');
  const now = Date.now();
  const cert = selfSignedCertificate(privateKey, {
    commonName,
    altNames: [der(0x87, Buffer.of(127, 0, 0, 1)), der(0x82, Buffer.from('localhost', 'ascii'))],
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
  });
  const key = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const dir = mkdtempSync(join(tmpdir(), 'scattercast-cert-'));
  const [certFile, keyFile] = [join(dir, 'admin.crt'), join(dir, 'admin.key')];
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { dir, cert, key, certFile, keyFile };
}
