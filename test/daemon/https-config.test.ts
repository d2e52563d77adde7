/**
 * The `trust` keys of HTTPS: `certificate` and `certificateKey` (both or neither), `certificateAuthority`
 * (default: the certificate), PEM files read and checked at load, refused with ERR_CONFIG_INVALID and the key's
 * name; `--print-config` prints them back.
 */

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nodeConfig, nodeConfigJson, type RawNodeConfig } from '../../src/daemon/node-config.ts';
import { testCertificate } from '../support/test-certificate.ts';

const base = { listen: '127.0.0.1:7401', admin: '127.0.0.1:8401' };

function refused(trust: Record<string, string>, dir: string, pattern: RegExp): void {
  assert.throws(() => nodeConfig({ ...base, trust } as RawNodeConfig, dir), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'ERR_CONFIG_INVALID', err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('node config: HTTPS', () => {
  const own = testCertificate();
  const [other, authority] = [testCertificate('another'), testCertificate('cluster ca')];
  const dir = own.dir;
  after(() => {
    for (const c of [own, other, authority]) rmSync(c.dir, { recursive: true, force: true });
  });

  it('takes a certificate and its key, paths against the config folder, the authority defaulting to the certificate', () => {
    const https = nodeConfig({ ...base, trust: { certificate: 'admin.crt', certificateKey: 'admin.key' } }, dir).trust.https;
    assert.ok(https);
    assert.deepEqual([https.certificate, https.certificateKey, https.certificateAuthority], [own.certFile, own.keyFile, own.certFile]);
    assert.deepEqual(https.pem, { cert: own.cert, key: own.key, ca: own.cert });
    const withCa = nodeConfig({ ...base, trust: { certificate: own.certFile, certificateKey: own.keyFile, certificateAuthority: authority.certFile } }, '/').trust.https;
    assert.equal(withCa?.pem.ca, authority.cert);
    assert.equal(nodeConfig(base, dir).trust.https, undefined, 'none: plain HTTP');
  });

  it('prints the keys back as a config that loads to the same settings', () => {
    const config = nodeConfig({ ...base, trust: { certificate: 'admin.crt', certificateKey: 'admin.key' } }, dir);
    const printed = JSON.parse(JSON.stringify(nodeConfigJson(config))) as RawNodeConfig;
    assert.deepEqual(nodeConfig(printed, '/').trust.https, config.trust.https);
  });

  it('refuses half a pair, an authority alone, empty paths, unreadable files, non-PEM and a key that is not the certificate\'s', () => {
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    refused({ certificate: own.certFile }, dir, /"trust\.certificate" and "trust\.certificateKey" go together/);
    refused({ certificateKey: own.keyFile }, dir, /go together/);
    refused({ certificateAuthority: own.certFile }, dir, /"trust\.certificateAuthority" needs "trust\.certificate"/);
    refused({ certificate: '', certificateKey: own.keyFile }, dir, /"trust\.certificate" must be a PEM file path/);
    refused({ certificate: 'nope.crt', certificateKey: own.keyFile }, dir, /"trust\.certificate": cannot read .*nope\.crt: ENOENT/);
    refused({ certificate: 'garbage.pem', certificateKey: own.keyFile }, dir, /"trust\.certificate": .* does not hold a PEM certificate/);
    refused({ certificate: own.certFile, certificateKey: 'garbage.pem' }, dir, /"trust\.certificateKey": .* does not hold a PEM private key/);
    refused({ certificate: own.certFile, certificateKey: other.keyFile }, dir, /"trust\.certificateKey": .* is not the key of the certificate/);
    refused({ certificate: own.certFile, certificateKey: own.keyFile, certificateAuthority: 'garbage.pem' }, dir, /"trust\.certificateAuthority": .* does not hold a PEM certificate/);
  });
});
