import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  decodeRequestHead,
  decodeRequestLine,
  encodeRequestHead,
  headEnd,
  headerValues,
  MAX_HEADERS,
  mayBeRequestLine,
  requestLineEnd,
  type RequestHead,
} from '../../../../src/apps/musicast/ingest/request-head.ts';
import { assertPrefixesTruncated, assertRefused, decodedValue, fcSeed, garbled } from '../../../support/wire.ts';

const SEED = fcSeed('request-head.test', 0x1ce);

/** What Debian's ffmpeg 5.1 sends for `-f mp3 icecast://source:PASS@127.0.0.1:39269/live`, captured on this machine. */
const FFMPEG_PUT =
  'PUT /live HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\nAccept: */*\r\nExpect: 100-continue\r\nConnection: close\r\nHost: 127.0.0.1:39269\r\n' +
  'Content-Type: audio/mpeg\r\nIcy-MetaData: 1\r\nIce-Public: 0\r\nAuthorization: Basic c291cmNlOlBBU1M=\r\n\r\n';

/** The same with `-legacy_icecast 1`. */
const FFMPEG_SOURCE =
  'SOURCE /live HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\nAccept: */*\r\nConnection: close\r\nHost: 127.0.0.1:46085\r\n' +
  'Content-Type: audio/mpeg\r\nIcy-MetaData: 1\r\nIce-Public: 0\r\nAuthorization: Basic c291cmNlOlBBU1M=\r\n\r\n';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

const GOLDEN: [string, RequestHead][] = [
  [
    FFMPEG_PUT,
    {
      method: 'PUT',
      target: '/live',
      version: '1.1',
      headers: [
        ['User-Agent', 'Lavf/59.27.100'],
        ['Accept', '*/*'],
        ['Expect', '100-continue'],
        ['Connection', 'close'],
        ['Host', '127.0.0.1:39269'],
        ['Content-Type', 'audio/mpeg'],
        ['Icy-MetaData', '1'],
        ['Ice-Public', '0'],
        ['Authorization', 'Basic c291cmNlOlBBU1M='],
      ],
    },
  ],
  ['GET / HTTP/1.0\r\n\r\n', { method: 'GET', target: '/', version: '1.0', headers: [] }],
  ['SOURCE /m HTTP/1.0\r\nIce-Name: Caf\xc3\xa9\r\n\r\n', { method: 'SOURCE', target: '/m', version: '1.0', headers: [['Ice-Name', 'Caf\xc3\xa9']] }],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['no empty line', 'PUT /live HTTP/1.1\r\nHost: x\r\n', WireCode.TRUNCATED],
  ['bare LF line ends', 'PUT /live HTTP/1.1\nHost: x\n\n', WireCode.TRUNCATED],
  ['bytes after the empty line', 'PUT /live HTTP/1.1\r\n\r\nx', WireCode.TRAILING],
  ['two spaces in the request line', 'PUT  /live HTTP/1.1\r\n\r\n', WireCode.RANGE],
  ['no version', 'PUT /live\r\n\r\n', WireCode.RANGE],
  ['HTTP/2.0', 'PRI * HTTP/2.0\r\n\r\n', WireCode.VERSION],
  ['ICE/1.0', 'SOURCE /live ICE/1.0\r\n\r\n', WireCode.VERSION],
  ['a method that is not a token', 'P(T /live HTTP/1.1\r\n\r\n', WireCode.RANGE],
  ['a NUL in the target', 'PUT /li\x00ve HTTP/1.1\r\n\r\n', WireCode.RANGE],
  ['a non-ASCII target', 'PUT /caf\xe9 HTTP/1.1\r\n\r\n', WireCode.RANGE],
  ['a header without a colon', 'PUT /live HTTP/1.1\r\nHost x\r\n\r\n', WireCode.RANGE],
  ['an empty header name', 'PUT /live HTTP/1.1\r\n: x\r\n\r\n', WireCode.RANGE],
  ['a space before the colon', 'PUT /live HTTP/1.1\r\nHost : x\r\n\r\n', WireCode.RANGE],
  ['obsolete line folding', 'PUT /live HTTP/1.1\r\nIce-Name: a\r\n b\r\n\r\n', WireCode.RANGE],
  ['a NUL in a value', 'PUT /live HTTP/1.1\r\nIce-Name: a\x00b\r\n\r\n', WireCode.RANGE],
  ['a bare CR in a value', 'PUT /live HTTP/1.1\r\nIce-Name: a\rb\r\n\r\n', WireCode.RANGE],
  ['a bare LF in a value', 'PUT /live HTTP/1.1\r\nIce-Name: a\nb\r\n\r\n', WireCode.RANGE],
  ['over MAX_HEADERS headers', `PUT /live HTTP/1.1\r\n${'A: b\r\n'.repeat(MAX_HEADERS + 1)}\r\n`, WireCode.OVERSIZE],
];

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const value = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)), { maxLength: 24 })
  .map((cs) => String.fromCharCode(...cs).replace(/^[\t ]+|[\t ]+$/g, ''));
const headArb: fc.Arbitrary<RequestHead> = fc.record(
  {
    method: token,
    target: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
    version: fc.constantFrom('1.0' as const, '1.1' as const),
    headers: fc.array(fc.tuple(token, value), { maxLength: 12 }),
  },
  { noNullPrototype: true },
);

describe('the request head of a source', () => {
  it('decodes what ffmpeg sends and encodes the golden heads to their bytes', () => {
    for (const [text, head] of GOLDEN) {
      assert.deepEqual(decodedValue(decodeRequestHead(bytes(text))), head);
      assert.equal(encodeRequestHead(head).toString('latin1'), text);
    }
    const legacy = decodedValue(decodeRequestHead(bytes(FFMPEG_SOURCE)));
    assert.equal(legacy.method, 'SOURCE');
    assert.deepEqual(headerValues(legacy, 'expect'), []);
  });

  it('finds the end of the request line and of the head, also across reads', () => {
    const b = bytes(`${FFMPEG_PUT}\xff\xfb`);
    assert.equal(requestLineEnd(b), 'PUT /live HTTP/1.1\r\n'.length);
    assert.equal(headEnd(b), FFMPEG_PUT.length);
    assert.equal(headEnd(b, FFMPEG_PUT.length - 1), FFMPEG_PUT.length, 'an end that began in the previous read');
    assert.equal(headEnd(bytes('PUT / HTTP/1.1\r\n')), -1);
    assert.equal(requestLineEnd(bytes('PUT / HTTP/1.1')), -1);
    assert.equal(mayBeRequestLine(bytes('PUT / HTTP/1.1\r')), true);
    assert.equal(mayBeRequestLine(bytes('')), true);
    for (const bad of ['\x16\x03\x01', 'PUT /\x00', 'GET /\r ', 'GET /\n', 'GET /\xff']) assert.equal(mayBeRequestLine(bytes(bad)), false, JSON.stringify(bad));
  });

  it('keeps a value without its surrounding whitespace and reads names case-insensitively', () => {
    const h = decodedValue(decodeRequestHead(bytes('PUT /live HTTP/1.0\r\nice-name:\t  Radio 1 \t\r\nICE-NAME:x\r\n\r\n')));
    assert.deepEqual(headerValues(h, 'Ice-Name'), ['Radio 1', 'x']);
    assert.equal(decodedValue(decodeRequestLine(bytes('SOURCE /m HTTP/1.0'))).method, 'SOURCE');
    assertRefused(decodeRequestLine(bytes('\x16\x03\x01\x02\x00\x01\x00')), WireCode.RANGE);
  });

  describe('malformed heads are refused with their code', () => {
    for (const [title, text, code] of MALFORMED) it(title, () => assertRefused(decodeRequestHead(bytes(text)), code));
    it('every strict prefix of a golden head is truncated', () => {
      for (const [text] of GOLDEN) assertPrefixesTruncated(decodeRequestHead, bytes(text));
    });
    it('refuses input that is not bytes', () => assertRefused(decodeRequestHead('PUT' as unknown as Uint8Array), WireCode.NOT_BYTES));
  });

  it('the encoder refuses what the decoder refuses', () => {
    const base: RequestHead = { method: 'PUT', target: '/live', version: '1.1', headers: [] };
    assert.throws(() => encodeRequestHead({ ...base, method: 'P T' }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, target: '/a b' }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, version: '2.0' as '1.1' }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, headers: [['A', 'b\r\nX: y']] }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, headers: [['A', ' padded']] }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, headers: [['A', '\u20ac']] }), RangeError);
    assert.throws(() => encodeRequestHead({ ...base, headers: Array.from({ length: MAX_HEADERS + 1 }, (): [string, string] => ['A', 'b']) }), RangeError);
  });

  it(`round-trips any head (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(headArb, (h) => {
        const encoded = encodeRequestHead(h);
        assert.deepEqual(decodedValue(decodeRequestHead(encoded)), h);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws on garbled heads, and what it accepts re-encodes to the same head (fast-check seed ${SEED})`, () => {
    const fixtures = fc.constantFrom(...GOLDEN.map(([text]) => bytes(text)));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), garbled(fixtures)), (input) => {
        const d = decodeRequestHead(input);
        if (!d.ok) return assert.ok((Object.values(WireCode) as string[]).includes(d.code) && d.reason.length > 0);
        assert.deepEqual(decodedValue(decodeRequestHead(encodeRequestHead(d.value))), d.value);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
