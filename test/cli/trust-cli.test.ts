/**
 * `scattercast trust`: a node that does not hold the overlay key gets its credential issued elsewhere, and starts
 * secure with it; one without a credential, or with a credential for another key, is refused with a stable code.
 */

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';
import { NODE_CREDENTIAL_FILE, nodeDir } from '../../src/trust/node-identity.ts';
import { runCliSync } from '../support/cli.ts';

describe('scattercast trust', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sc-trust-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const [issuer, members, stateDir] = ['issuer', 'members', 'state'].map((d) => join(root, d)) as [string, string, string];

  it('issues a credential with which a node that lacks the overlay key starts secure', async () => {
    const port = await freePort();
    const id = `127.0.0.1:${port}`;
    const made = runCliSync(['trust', 'overlay', '--dir', issuer]);
    assert.equal(made.status, 0, made.stderr);
    const overlayKey = /public key ([A-Za-z0-9_-]{43})/.exec(made.stdout)?.[1];
    mkdirSync(members);
    copyFileSync(join(issuer, 'overlay.pub'), join(members, 'overlay.pub'));
    const start = () => runNode(nodeConfig({ listen: id, logLevel: 'error', trust: { stateDir, overlay: members } }, root));
    await assert.rejects(start(), { code: 'ERR_TRUST_NO_CREDENTIAL' });

    const key = runCliSync(['trust', 'key', '--id', id, '--state-dir', stateDir]);
    assert.equal(key.status, 0, key.stderr);
    const publicKey = /public key ([A-Za-z0-9_-]{43})/.exec(key.stdout)?.[1] as string;
    const wrong = runCliSync(['trust', 'issue', '--overlay', members, '--id', id, '--public-key', publicKey]);
    assert.equal(wrong.status, 2, 'issuing without overlay.key must be refused');
    assert.match(wrong.stderr, /ERR_TRUST_NO_CREDENTIAL/);
    const issued = runCliSync(['trust', 'issue', '--overlay', issuer, '--id', id, '--public-key', publicKey]);
    assert.equal(issued.status, 0, issued.stderr);
    writeFileSync(join(nodeDir(stateDir, id), NODE_CREDENTIAL_FILE), issued.stdout);

    const token = runCliSync(['trust', 'token', '--overlay', issuer]);
    assert.match(token.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(runCliSync(['trust', 'token', '--overlay', members]).status, 2, 'a token without overlay.key');
    const running = await start();
    try {
      const identity = running.trust.identity;
      assert.ok(identity);
      assert.equal(Buffer.from(identity.overlay.publicKey).toString('base64url'), overlayKey);
      assert.equal(Buffer.from(identity.credential.publicKey).toString('base64url'), publicKey);
      assert.equal(identity.overlay.privateKey, undefined);
      assert.equal(running.trust.clusterToken, undefined, 'no token can be derived without the overlay key');
    } finally {
      await running.stop();
    }
  });

  it('refuses a credential issued for another node id', async () => {
    const id = `127.0.0.1:${await freePort()}`;
    const key = runCliSync(['trust', 'key', '--id', id, '--state-dir', stateDir]);
    const publicKey = /public key ([A-Za-z0-9_-]{43})/.exec(key.stdout)?.[1] as string;
    const issued = runCliSync(['trust', 'issue', '--overlay', issuer, '--id', '127.0.0.1:1', '--public-key', publicKey]);
    writeFileSync(join(nodeDir(stateDir, id), NODE_CREDENTIAL_FILE), issued.stdout);
    await assert.rejects(runNode(nodeConfig({ listen: id, logLevel: 'error', trust: { stateDir, overlay: members } }, root)), { code: 'ERR_TRUST_INVALID' });
  });
});
