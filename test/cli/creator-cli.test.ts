/** `scattercast creator key|sign|token`: a creator key file, a signed announcement a node accepts, tokens, and clear refusals. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAnnouncement } from '../../src/session/announcement.ts';
import { sessionId } from '../../src/session/name.ts';
import { readSourceToken, sourceTokenRefusal } from '../../src/session/source-token.ts';

function scattercast(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/scattercast.js', ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scattercast creator', { timeout: 120_000 }, () => {
  let dir = '';
  let key = '';
  let keyId = '';
  let publicKey = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sc-creator-'));
    key = join(dir, 'creator.key');
    const r = scattercast('creator', 'key', '--out', key);
    assert.equal(r.status, 0, r.stderr);
    publicKey = /^public key {2}([A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1] as string;
    keyId = /^key id {6}(key-[a-z2-7]{32})$/m.exec(r.stdout)?.[1] as string;
    assert.ok(publicKey && keyId, r.stdout);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('key: writes a PEM private key readable by its owner only, and never overwrites it', () => {
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    const again = scattercast('creator', 'key', '--out', key);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /^scattercast: .*creator\.key exists; a creator key is never overwritten .*\(ERR_USAGE\)\n$/);
  });

  it('sign: prints the announcement with its CREATOR, which parses verified; refuses a name not bound to the key', () => {
    const name = `scast://radio.${keyId}/news`;
    const file = join(dir, 'news.xml');
    writeFileSync(file, `<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:7401</RENDEZVOUS></SCATTERCAST>`);
    const r = scattercast('creator', 'sign', file, '--key', key);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(`<CREATOR key="${publicKey}" signature="`), r.stdout);
    assert.equal(Buffer.from(parseAnnouncement(r.stdout).creator!.publicKey).toString('base64url'), publicKey);

    writeFileSync(file, `<SCATTERCAST name="scast://example.org/news"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:7401</RENDEZVOUS></SCATTERCAST>`);
    const unbound = scattercast('creator', 'sign', file, '--key', key);
    assert.equal(unbound.status, 2);
    assert.equal(unbound.stderr, `scattercast: to sign it with ${keyId}, name the session scast://example.org.${keyId}/news (ERR_ANNOUNCEMENT_SIGNATURE)\n`);
  });

  it('token: prints a token for the session, valid --ttl seconds', () => {
    const name = `scast://${keyId}/radio`;
    const r = scattercast('creator', 'token', '--key', key, '--session', name, '--ttl', '120');
    assert.equal(r.status, 0, r.stderr);
    const text = r.stdout.trim();
    assert.match(text, /^[A-Za-z0-9_-]{124}$/);
    assert.match(r.stderr, new RegExp(`^scattercast: source token for ${name.replace(/[.]/g, '\\.')}, valid until \\d{4}-`));
    const token = readSourceToken(text)!;
    const now = Date.now() / 1000;
    assert.ok(token.notAfterS > now + 110 && token.notAfterS <= now + 121, `${token.notAfterS - now} s left`);
    const check = { publicKey: Buffer.from(publicKey, 'base64url'), sessionId: sessionId(name), nowS: Math.floor(now) };
    assert.equal(sourceTokenRefusal(text, check), undefined);
  });

  it('refuses bad input with one line and a stable code', () => {
    const bad: [string[], RegExp][] = [
      [['creator', 'token', '--key', key, '--session', 'scast://example.org/radio'], /is not bound to this key: its creator part must end with key-.* \(ERR_USAGE\)\n$/],
      [['creator', 'token', '--key', key, '--session', `scast://${keyId}/radio`, '--ttl', '0'], /--ttl must be an integer in 1\.\.31622400, got '0' \(ERR_USAGE\)\n$/],
      [['creator', 'token', '--key', key, '--session', 'radio'], /does not start with scast:\/\/ .*\(ERR_SESSION_NAME_INVALID\)\n$/],
      [['creator', 'token', '--key', join(dir, 'missing.key'), '--session', `scast://${keyId}/radio`], /cannot read creator key .*missing\.key: ENOENT \(ERR_USAGE\)\n$/],
      [['creator', 'sign', join(dir, 'missing.xml'), '--key', key], /cannot read announcement .*missing\.xml: ENOENT \(ERR_USAGE\)\n$/],
    ];
    writeFileSync(join(dir, 'not-a-key'), 'hello');
    bad.push([['creator', 'token', '--key', join(dir, 'not-a-key'), '--session', `scast://${keyId}/radio`], /creator key .*not-a-key is not a private key in PEM.* \(ERR_TRUST_INVALID\)\n$/]);
    for (const [args, stderr] of bad) {
      const r = scattercast(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^scattercast: [^\n]*\n$/, args.join(' '));
      assert.match(r.stderr, stderr, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n {4}at /, 'no stack trace');
    }
  });
});
