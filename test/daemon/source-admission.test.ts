import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.ts';
import { nodeConfig, nodeConfigJson } from '../../src/daemon/node-config.ts';
import { SourceAdmission } from '../../src/daemon/source-admission.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';
import { testCreator } from '../support/creator.ts';

const creator = testCreator();
const SIGNED_NAME = creator.name('radio');
const xml = (name: string): string => `<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:7401</RENDEZVOUS></SCATTERCAST>`;
const SIGNED = parseAnnouncement(creator.sign(xml(SIGNED_NAME)));
const UNSIGNED = parseAnnouncement(xml('scast://example.org/radio'));
const SECRET = 'sixteen-or-more-characters';
const NOW_MS = Date.now();

describe('source admission', () => {
  it('takes a signed session’s sender with a valid token, and refuses every other credential by code', () => {
    const sources = new SourceAdmission({ insecure: false, secrets: [] });
    assert.deepEqual(sources.admit(SIGNED, creator.token(SIGNED_NAME), NOW_MS), { ok: true, how: 'token' });
    const refusals: [string | undefined, string][] = [
      [undefined, ErrorCode.SOURCE_NO_CREDENTIAL],
      ['not a token', ErrorCode.SOURCE_CREDENTIAL_INVALID],
      [creator.token(creator.name('tv')), ErrorCode.SOURCE_TOKEN_SESSION],
      [creator.token(SIGNED_NAME, -1), ErrorCode.SOURCE_TOKEN_EXPIRED],
      [testCreator().token(SIGNED_NAME), ErrorCode.SOURCE_CREDENTIAL_INVALID],
    ];
    for (const [credential, code] of refusals) assert.deepEqual(sources.admit(SIGNED, credential, NOW_MS), { ok: false, code }, credential);
    assert.deepEqual(Object.fromEntries(sources.refused), {
      [ErrorCode.SOURCE_NO_CREDENTIAL]: 1,
      [ErrorCode.SOURCE_CREDENTIAL_INVALID]: 2,
      [ErrorCode.SOURCE_TOKEN_SESSION]: 1,
      [ErrorCode.SOURCE_TOKEN_EXPIRED]: 1,
    });
    assert.deepEqual(new SourceAdmission({ insecure: true, secrets: [] }).admit(SIGNED, undefined, NOW_MS), { ok: false, code: ErrorCode.SOURCE_NO_CREDENTIAL }, 'a signed session is closed at an insecure node too');
  });

  it('closes an unsigned session to senders at a secure node unless it holds the session’s secret', () => {
    assert.deepEqual(new SourceAdmission().admit(UNSIGNED, SECRET, NOW_MS), { ok: false, code: ErrorCode.SOURCE_UNSIGNED_SESSION }, 'secure by default');
    const withSecret = new SourceAdmission({ insecure: false, secrets: [{ session: 'scast://example.org/radio', secret: SECRET }] });
    assert.deepEqual(withSecret.admit(UNSIGNED, SECRET, NOW_MS), { ok: true, how: 'secret' });
    assert.deepEqual(withSecret.admit(UNSIGNED, `${SECRET}!`, NOW_MS), { ok: false, code: ErrorCode.SOURCE_CREDENTIAL_INVALID });
    assert.deepEqual(withSecret.admit(UNSIGNED, undefined, NOW_MS), { ok: false, code: ErrorCode.SOURCE_NO_CREDENTIAL });
    assert.deepEqual(new SourceAdmission({ insecure: true, secrets: [] }).admit(UNSIGNED, undefined, NOW_MS), { ok: true, how: 'open' }, 'an insecure node is open');
    const insecureWithSecret = new SourceAdmission({ insecure: true, secrets: [{ session: 'scast://EXAMPLE.org/radio', secret: SECRET }] });
    assert.deepEqual(insecureWithSecret.admit(UNSIGNED, undefined, NOW_MS), { ok: false, code: ErrorCode.SOURCE_NO_CREDENTIAL }, 'a configured secret is needed even there');
  });

  it('takes the secret for a signed session too', () => {
    const sources = new SourceAdmission({ insecure: false, secrets: [{ session: SIGNED_NAME, secret: SECRET }] });
    assert.deepEqual(sources.admit(SIGNED, SECRET, NOW_MS), { ok: true, how: 'secret' });
    assert.deepEqual(sources.admit(SIGNED, creator.token(SIGNED_NAME), NOW_MS), { ok: true, how: 'token' });
  });
});

describe('trust.sourceSecrets', () => {
  const config = (sourceSecrets: unknown): ReturnType<typeof nodeConfig> => nodeConfig({ listen: '127.0.0.1:7401', trust: { sourceSecrets } }, '/');

  it('takes a list of { session, secret }, names canonical, and prints it back', () => {
    const c = config([{ session: 'scattercast://Example.org/radio', secret: SECRET }]);
    assert.deepEqual(c.trust.sourceSecrets, [{ session: 'scast://example.org/radio', secret: SECRET }]);
    assert.deepEqual(nodeConfigJson(c).trust?.sourceSecrets, [{ session: 'scast://example.org/radio', secret: SECRET }]);
    assert.deepEqual(config(undefined).trust.sourceSecrets, []);
  });

  it('refuses a bad entry with its path', () => {
    const bad: [unknown, string, RegExp][] = [
      [[{ session: 'scast://a/b' }], ErrorCode.CONFIG_INVALID, /trust\.sourceSecrets\[0\]" must be/],
      [[{ session: 'http://a/b', secret: SECRET }], ErrorCode.CONFIG_INVALID, /sourceSecrets\[0\]"\.session: session name/],
      [[{ session: 'scast://a/b', secret: 'short' }], ErrorCode.CONFIG_INVALID, /secret must be 16 to 255 bytes/],
      [[{ session: 'scast://a/b', secret: 'x'.repeat(256) }], ErrorCode.CONFIG_INVALID, /secret must be 16 to 255 bytes/],
      [[{ session: 'scast://a/b', secret: `${'x'.repeat(16)}\ud800` }], ErrorCode.CONFIG_INVALID, /valid UTF-8/],
      [[{ session: 'scast://a/b', secret: SECRET }, { session: 'scast://A/b', secret: SECRET }], ErrorCode.CONFIG_INVALID, /\[1\]" names scast:\/\/a\/b a second time/],
      [[{ session: 'scast://a/b', secret: 42 }], ErrorCode.CONFIG_TYPE, /trust\.sourceSecrets\[0\]\.secret/],
      [[{ session: 'scast://a/b', secret: SECRET, ttl: 1 }], ErrorCode.CONFIG_UNKNOWN_KEY, /trust\.sourceSecrets\[0\]\.ttl/],
      [{ 'scast://a/b': SECRET }, ErrorCode.CONFIG_TYPE, /must be a list/],
    ];
    for (const [value, code, message] of bad) assert.throws(() => config(value), { code, message }, JSON.stringify(value));
  });
});
