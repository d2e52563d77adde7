import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ErrorCode, ScError } from '../../src/core/errors.ts';
import {
  formatSessionName,
  parseSessionName,
  quoted,
  SESSION_NAME_MAX_LENGTH,
  sessionId,
  sessionIdHex,
} from '../../src/session/name.ts';

/** `printf %s 'scast://www.cnn.com/Headline_News' | md5sum` */
const CNN_MD5 = '024d08a2bc1d6e17d7e1c7858cd4b676';

function rejects(text: string, message: RegExp): void {
  assert.throws(
    () => parseSessionName(text),
    (err: unknown) => {
      assert.ok(err instanceof ScError, `expected an ScError, got ${String(err)}`);
      assert.equal(err.code, ErrorCode.SESSION_NAME_INVALID);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    },
    `${JSON.stringify(text)} should be refused`,
  );
}

describe('parseSessionName', () => {
  it('parses the scast:// and the Fig. 2 scattercast:// spellings alike', () => {
    assert.deepEqual(parseSessionName('scast://www.cnn.com/Headline_News'), { creator: 'www.cnn.com', name: 'Headline_News' });
    assert.deepEqual(parseSessionName('scattercast://www.cnn.com/Headline_News'), {
      creator: 'www.cnn.com',
      name: 'Headline_News',
    });
    assert.deepEqual(parseSessionName('SCAST://a/b'), { creator: 'a', name: 'b' });
  });

  it('lower-cases the creator and keeps the case of the name', () => {
    assert.deepEqual(parseSessionName('scast://WWW.CNN.com/Headline_News'), { creator: 'www.cnn.com', name: 'Headline_News' });
  });

  it('accepts creators with digits, dots, dashes, underscores and colons', () => {
    assert.equal(parseSessionName('scast://my_host-1.example.org:8080/x').creator, 'my_host-1.example.org:8080');
    assert.equal(parseSessionName('scast://10.0.0.1/x').creator, '10.0.0.1');
  });

  it('accepts names with path segments, unreserved characters and percent-escapes', () => {
    assert.equal(parseSessionName('scast://a/news/2024/evening.mp3').name, 'news/2024/evening.mp3');
    assert.equal(parseSessionName('scast://a/~me/a-b_c.d').name, '~me/a-b_c.d');
    assert.equal(parseSessionName('scast://a/caf%C3%A9%20bar').name, 'caf%C3%A9%20bar');
  });

  it('normalises percent-escapes: unreserved characters decoded, the rest in upper-case hex', () => {
    assert.equal(parseSessionName('scast://a/%41%7e%2f%2Fx').name, 'A~%2F%2Fx');
  });

  it('accepts the longest creator and name', () => {
    const creator = 'c'.repeat(253);
    const name = 'n'.repeat(200);
    assert.deepEqual(parseSessionName(`scattercast://${creator}/${name}`), { creator, name });
  });

  it('refuses a wrong or missing scheme', () => {
    rejects('http://www.cnn.com/news', /does not start with scast:\/\/ or scattercast:\/\//);
    rejects('www.cnn.com/news', /does not start with scast/);
    rejects('scast:/www.cnn.com/news', /does not start with scast/);
    rejects('', /does not start with scast/);
  });

  it('refuses a missing creator or name', () => {
    rejects('scast://', /missing creator/);
    rejects('scast:///news', /missing creator/);
    rejects('scast://www.cnn.com', /missing session name/);
    rejects('scast://www.cnn.com/', /missing session name/);
  });

  it('refuses creators that are not host-like', () => {
    rejects('scast://user@host/news', /creator may not contain "@"/);
    rejects('scast://ho st/news', /creator may not contain " "/);
    rejects('scast://h\u00e9/news', /creator may not contain "\\u00e9"/);
    rejects(`scast://${'c'.repeat(254)}/news`, /creator longer than 253/);
  });

  it('refuses names with whitespace, control characters, queries, fragments or other characters', () => {
    rejects('scast://a/two words', /whitespace/);
    rejects('scast://a/tab\there', /whitespace/);
    rejects('scast://a/nul\u0000', /may not contain "\\u0000"/);
    rejects('scast://a/news?x=1', /'\?' \(no query or fragment\)/);
    rejects('scast://a/news#top', /'#' \(no query or fragment\)/);
    rejects('scast://a/<script>', /may not contain "<"/);
    rejects('scast://a/caf\u00e9', /may not contain "\\u00e9"/);
  });

  it('refuses bad percent-escapes', () => {
    rejects('scast://a/100%', /bad percent-escape "%"/);
    rejects('scast://a/%zz', /bad percent-escape "%zz"/);
    rejects('scast://a/%4', /bad percent-escape "%4"/);
  });

  it('refuses dot segments, empty segments and a trailing slash, escaped or not', () => {
    rejects('scast://a/news/../admin', /'\.\.' path segment/);
    rejects('scast://a/..', /'\.\.' path segment/);
    rejects('scast://a/%2E%2E/admin', /'\.\.' path segment/);
    rejects('scast://a/./news', /'\.' path segment/);
    rejects('scast://a//news', /empty path segment/);
    rejects('scast://a/news//today', /empty path segment/);
    rejects('scast://a/news/', /may not end with a slash/);
  });

  it('refuses names over 200 characters and texts over the total cap', () => {
    rejects(`scast://a/${'n'.repeat(201)}`, /name longer than 200/);
    rejects(`scast://a/${'n'.repeat(SESSION_NAME_MAX_LENGTH)}`, new RegExp(`longer than ${SESSION_NAME_MAX_LENGTH}`));
  });

  it('refuses what is not a string', () => {
    rejects(42 as unknown as string, /not a string/);
  });
});

describe('formatSessionName', () => {
  it('always spells the canonical scast://creator/name', () => {
    assert.equal(formatSessionName(parseSessionName('scattercast://WWW.CNN.COM/Headline_News')), 'scast://www.cnn.com/Headline_News');
    assert.equal(formatSessionName({ creator: 'Example.ORG', name: 'Radio/Jazz' }), 'scast://example.org/Radio/Jazz');
  });

  it('round-trips through parseSessionName', () => {
    for (const text of ['scast://a/b', 'scast://x.y:9/p/q%20r', 'scast://h/~u/a.b']) {
      assert.equal(formatSessionName(parseSessionName(text)), text);
    }
  });

  it('checks each part of a hand-made name', () => {
    assert.throws(() => formatSessionName({ creator: 'a/b', name: 'c' }), { code: ErrorCode.SESSION_NAME_INVALID });
    assert.throws(() => formatSessionName({ creator: 'a', name: '' }), { code: ErrorCode.SESSION_NAME_INVALID });
    assert.throws(() => formatSessionName({ creator: 'a', name: 'b c' }), { code: ErrorCode.SESSION_NAME_INVALID });
  });
});

describe('sessionId', () => {
  it('is the MD5 of the canonical name', () => {
    const id = sessionId('scast://www.cnn.com/Headline_News');
    assert.equal(id.length, 16);
    assert.equal(id.toString('hex'), CNN_MD5);
    assert.equal(sessionIdHex('scast://www.cnn.com/Headline_News'), CNN_MD5);
  });

  it('is the same for scast:// and scattercast:// spellings, creator case and escapes', () => {
    for (const spelling of [
      'scattercast://www.cnn.com/Headline_News',
      'SCAST://WWW.CNN.COM/Headline_News',
      'scast://www.cnn.com/%48eadline_News',
    ]) {
      assert.equal(sessionIdHex(spelling), CNN_MD5, spelling);
    }
    assert.equal(sessionIdHex({ creator: 'WWW.cnn.com', name: 'Headline_News' }), CNN_MD5);
  });

  it('differs when the name differs in case', () => {
    assert.notEqual(sessionIdHex('scast://www.cnn.com/headline_news'), CNN_MD5);
  });

  it('refuses invalid names', () => {
    assert.throws(() => sessionId('scast://www.cnn.com/'), { code: ErrorCode.SESSION_NAME_INVALID });
  });
});

describe('quoted', () => {
  it('quotes, escapes and clips untrusted text onto one line', () => {
    assert.equal(quoted('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(quoted('x\ny\u2028'), '"x\\u000ay\\u2028"');
    assert.equal(quoted('abcdef', 3), '"abc..."');
  });
});
