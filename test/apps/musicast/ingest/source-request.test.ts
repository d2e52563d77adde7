import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsMatch, parseBasic } from '../../../../src/apps/musicast/ingest/basic-auth.ts';
import { updateMetadata } from '../../../../src/apps/musicast/ingest/metadata-request.ts';
import { REFUSAL_REPLIES, refusalBytes } from '../../../../src/apps/musicast/ingest/replies.ts';
import type { RequestHead } from '../../../../src/apps/musicast/ingest/request-head.ts';
import { admitSource, MAX_MOUNT_LENGTH, mountOf } from '../../../../src/apps/musicast/ingest/source-request.ts';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { basic, FakeStation } from './fake-station.ts';

const AUTH: [string, string] = ['Authorization', basic('source', 'PASS')];

/** A source request for `target` with `headers` (ffmpeg's own, by default). */
function put(target = '/live', headers: [string, string][] = [AUTH, ['Content-Type', 'audio/mpeg'], ['Expect', '100-continue']], method = 'PUT'): RequestHead {
  return { method, target, version: '1.1', headers };
}

const code = (r: ReturnType<typeof admitSource>): string => (r.ok ? 'admitted' : r.code);

describe('admitting a source', () => {
  it("admits ffmpeg's PUT, asks the station last, and reports what the source said of itself", () => {
    const station = new FakeStation();
    const head = put('/live', [
      AUTH,
      ['Content-Type', 'audio/mpeg; charset=binary'],
      ['Expect', '100-continue'],
      ['User-Agent', 'Lavf/59.27.100'],
      ['Ice-Name', Buffer.from('Café', 'utf8').toString('latin1')],
      ['icy-genre', 'Jazz'],
      ['Ice-Description', 'Caf\xe9'],
      ['Ice-URL', 'http://example.org'],
      ['Ice-Public', '1'],
    ]);
    const r = admitSource(head, '127.0.0.1:5000', station, 0, 1);
    assert.ok(r.ok);
    assert.equal(r.mount, '/live');
    assert.equal(r.expectContinue, true);
    assert.deepEqual(station.opened[0]?.info, {
      remote: '127.0.0.1:5000',
      contentType: 'audio/mpeg',
      userAgent: 'Lavf/59.27.100',
      iceName: 'Café',
      iceGenre: 'Jazz',
      iceDescription: 'Café',
      iceUrl: 'http://example.org',
      icePublic: true,
    });
  });

  it('refuses in Icecast\'s order, each with its code, and opens nothing it refuses', () => {
    const station = new FakeStation({ '/live': { user: 'source', password: 'PASS' }, '/b': { user: 'source', password: 'PASS' } });
    const cases: [RequestHead, number, string][] = [
      [put('live'), 0, ErrorCode.INGEST_HEAD],
      [put('/live?x=1'), 0, ErrorCode.INGEST_HEAD],
      [put('/li%ZZve'), 0, ErrorCode.INGEST_HEAD],
      [put('/a%00b'), 0, ErrorCode.INGEST_HEAD],
      [put(`/${'m'.repeat(MAX_MOUNT_LENGTH)}`), 0, ErrorCode.INGEST_HEAD],
      [put('/live', [AUTH, AUTH, ['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_HEAD],
      [put('/live', [AUTH, ['Content-Type', 'audio/mpeg'], ['Transfer-Encoding', 'chunked']]), 0, ErrorCode.INGEST_HEAD],
      [put('/other'), 0, ErrorCode.INGEST_NO_MOUNT],
      [put('/live', [['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_AUTH],
      [put('/live', [['Authorization', basic('source', 'PAS')], ['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_AUTH],
      [put('/live', [['Authorization', basic('admin', 'PASS')], ['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_AUTH],
      [put('/live', [['Authorization', 'Bearer PASS'], ['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_AUTH],
      [put('/live', [AUTH, ['Content-Type', 'application/ogg']]), 0, ErrorCode.INGEST_TYPE],
      [put('/live', [AUTH]), 0, ErrorCode.INGEST_TYPE],
      [put('/live', [AUTH, ['Content-Type', 'audio/mpeg']]), 1, ErrorCode.INGEST_SOURCES],
      [put('/live', [AUTH, ['Content-Type', 'audio/mpeg'], ['Transfer-Encoding', 'identity'], ['Content-Length', '5']]), 0, 'admitted'],
      [put('/live', [AUTH, ['Content-Type', 'audio/mpeg']]), 0, ErrorCode.INGEST_BUSY],
      [put('/b', [AUTH], 'SOURCE'), 0, 'admitted'],
    ];
    for (const [head, live, expected] of cases) assert.equal(code(admitSource(head, 'r', station, live, 1)), expected, `${head.method} ${head.target} ${JSON.stringify(head.headers)}`);
    assert.deepEqual(
      station.opened.map((o) => [o.mount, o.info.contentType]),
      [
        ['/live', 'audio/mpeg'],
        ['/b', 'audio/mpeg'],
      ],
    );
  });

  it('takes the MP3 media types encoders send, and percent-decoded mounts', () => {
    for (const type of ['audio/mpeg', 'AUDIO/MPEG', 'audio/x-mpeg', 'audio/mp3']) {
      const station = new FakeStation({ '/a b': { user: 'u', password: 'p' } });
      assert.equal(code(admitSource(put('/a%20b', [['Authorization', basic('u', 'p')], ['Content-Type', type]]), 'r', station, 0, 1)), 'admitted', type);
    }
    assert.equal(mountOf('/live'), '/live');
    assert.equal(mountOf(null), undefined);
    assert.equal(mountOf('/%E2%82%AC'), '/€');
    assert.equal(mountOf('/%ff'), undefined);
  });
});

describe('Basic credentials', () => {
  it('parses RFC 7617 values and refuses anything else', () => {
    assert.deepEqual(parseBasic(basic('source', 'pa:ss')), { user: 'source', password: 'pa:ss' });
    assert.deepEqual(parseBasic(`basic ${Buffer.from('u:').toString('base64')}`), { user: 'u', password: '' });
    for (const bad of [undefined, '', 'Basic', 'Basic !!!!', 'Basic dXNlcg==', 'Digest dTpw', 'Basic dTpw dTpw', 'Basic dTpw=']) assert.equal(parseBasic(bad), undefined, String(bad));
  });

  it('matches exactly, whatever the lengths', () => {
    const expected = { user: 'source', password: 'PASS' };
    assert.equal(credentialsMatch({ user: 'source', password: 'PASS' }, expected), true);
    for (const given of [undefined, { user: 'source', password: 'PASS ' }, { user: 'source', password: '' }, { user: 'Source', password: 'PASS' }, { user: 'source', password: 'x'.repeat(10_000) }]) {
      assert.equal(credentialsMatch(given, expected), false, JSON.stringify(given)?.slice(0, 40));
    }
  });
});

describe("Icecast's metadata update", () => {
  const q = (s: string): URLSearchParams => new URLSearchParams(s);

  it('hands the song to the station with the mount\'s credentials, and refuses as Icecast does', () => {
    const station = new FakeStation();
    const auth = basic('source', 'PASS');
    assert.deepEqual(updateMetadata(q('mount=/live&mode=updinfo&song=A'), auth, station), { ok: false, code: ErrorCode.INGEST_METADATA, mount: '/live' }, 'no live source');
    station.open('/live', { remote: 'r', contentType: 'audio/mpeg' });
    assert.deepEqual(updateMetadata(q('mount=%2Flive&mode=updinfo&song=Artist%20-%20T%C3%ADtle'), auth, station), { ok: true, mount: '/live' });
    assert.deepEqual(station.titles, [['/live', 'Artist - Títle']]);
    const refusals: [string, string | undefined, string][] = [
      ['mode=updinfo&song=A', auth, ErrorCode.INGEST_METADATA],
      ['mount=live&mode=updinfo&song=A', auth, ErrorCode.INGEST_METADATA],
      ['mount=/nope&mode=updinfo&song=A', auth, ErrorCode.INGEST_NO_MOUNT],
      ['mount=/live&mode=updinfo&song=A', undefined, ErrorCode.INGEST_AUTH],
      ['mount=/live&mode=updinfo&song=A', basic('source', 'nope'), ErrorCode.INGEST_AUTH],
      ['mount=/live&song=A', auth, ErrorCode.INGEST_METADATA],
      ['mount=/live&mode=updinfo', auth, ErrorCode.INGEST_METADATA],
    ];
    for (const [query, a, expected] of refusals) {
      const r = updateMetadata(q(query), a, station);
      assert.equal(r.ok ? 'ok' : r.code, expected, query);
    }
    assert.equal(station.titles.length, 1);
  });
});

describe('refusal answers', () => {
  it('are shaped as icecast2 2.4.4 shapes them', () => {
    const text = refusalBytes(REFUSAL_REPLIES[ErrorCode.INGEST_AUTH]!).toString();
    assert.match(text, /^HTTP\/1\.0 401 Authentication Required\r\n/);
    assert.match(text, /\r\nWWW-Authenticate: Basic realm="Icecast2 Server"\r\n/);
    assert.match(text, /\r\nConnection: Close\r\n/);
    assert.ok(text.endsWith('\r\n\r\nYou need to authenticate\r\n'));
    assert.match(refusalBytes(REFUSAL_REPLIES[ErrorCode.INGEST_BUSY]!).toString(), /^HTTP\/1\.0 409 Conflict\r\n[^]*\r\n\r\nMountpoint in use\r\n$/);
    const lengths = Object.values(REFUSAL_REPLIES).filter((r) => r !== undefined).map((r) => {
      const [head, body] = refusalBytes(r).toString().split('\r\n\r\n') as [string, string];
      return [Number(/Content-Length: (\d+)/.exec(head)?.[1]), Buffer.byteLength(body)];
    });
    for (const [declared, actual] of lengths) assert.equal(declared, actual);
  });
});
