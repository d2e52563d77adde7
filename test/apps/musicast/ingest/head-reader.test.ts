import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HeadReader, type HeadVerdict } from '../../../../src/apps/musicast/ingest/head-reader.ts';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { fcSeed } from '../../../support/wire.ts';

const SEED = fcSeed('head-reader.test', 0x4ead);
const HEAD_BYTES = 256;

const PUT = 'PUT /live HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: audio/mpeg\r\n\r\n';
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The verdict after pushing `chunks` one by one (the last one that is not 'more', or 'more'). */
function read(chunks: Buffer[], headBytes = HEAD_BYTES): HeadVerdict {
  const reader = new HeadReader(headBytes);
  for (const c of chunks) {
    const v = reader.push(c);
    if (v.kind !== 'more') return v;
  }
  return { kind: 'more' };
}

/** `bytes` cut at `cuts` (offsets, any order). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  return [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length)).filter((c) => c.length > 0);
}

/** A verdict without Buffers, for comparing. */
const shown = (v: HeadVerdict): unknown => (v.kind === 'other' ? { kind: 'other', bytes: v.bytes.toString('latin1') } : v.kind === 'source' ? { ...v, rest: v.rest.toString('latin1') } : v);

describe("the radio port's head reader", () => {
  it('reads a source head and keeps the stream bytes that came with it', () => {
    const v = read([b(`${PUT}\xff\xfb`)]);
    assert.equal(v.kind, 'source');
    if (v.kind !== 'source') return;
    assert.equal(v.head.method, 'PUT');
    assert.equal(v.rest.toString('latin1'), '\xff\xfb');
  });

  it('hands on any other request once its request line is complete, with every byte read', () => {
    assert.deepEqual(read([b('GET /live HT')]), { kind: 'more' });
    assert.deepEqual(shown(read([b('GET /live HT'), b('TP/1.1\r\nIcy-Meta')])), { kind: 'other', bytes: 'GET /live HTTP/1.1\r\nIcy-Meta' });
  });

  it('refuses with the exact code', () => {
    const cases: [string, string][] = [
      ['HELLO\r\n', ErrorCode.INGEST_HEAD],
      ['\x16\x03\x01', ErrorCode.INGEST_HEAD],
      ['GET / HTTP/2.0\r\n', ErrorCode.INGEST_HEAD],
      ['PUT /live HTTP/1.1\r\nX\x00: y\r\n\r\n', ErrorCode.INGEST_HEAD],
      [`GET /${'a'.repeat(HEAD_BYTES)}`, ErrorCode.INGEST_HEAD_SIZE],
      [`GET /${'a'.repeat(HEAD_BYTES)} HTTP/1.1\r\n`, ErrorCode.INGEST_HEAD_SIZE],
      [`PUT /live HTTP/1.1\r\nX: ${'a'.repeat(HEAD_BYTES)}`, ErrorCode.INGEST_HEAD_SIZE],
      [`PUT /live HTTP/1.1\r\nX: ${'a'.repeat(HEAD_BYTES)}\r\n\r\n`, ErrorCode.INGEST_HEAD_SIZE],
    ];
    for (const [text, code] of cases) assert.deepEqual(read([b(text)]), { kind: 'refused', code }, JSON.stringify(text));
    assert.equal(read([b(PUT)], PUT.length).kind, 'source', 'a head of exactly headBytes');
    assert.deepEqual(read([b(PUT)], PUT.length - 1), { kind: 'refused', code: ErrorCode.INGEST_HEAD_SIZE });
  });

  it(`gives the same verdict however the bytes are cut into reads (fast-check seed ${SEED})`, () => {
    const inputs = [`${PUT}\xff\xfbdata`, 'GET /x HTTP/1.1\r\nHost: y\r\n\r\n', 'SOURCE /m HTTP/1.0\r\n\r\n', 'PUT /m HTTP/1.1\r\nA\r\n\r\n', `PUT /m HTTP/1.1\r\nX: ${'a'.repeat(HEAD_BYTES)}\r\n\r\n`];
    fc.assert(
      fc.property(fc.constantFrom(...inputs), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const whole = read([b(text)]);
        const pieces = read(split(b(text), cuts));
        if (whole.kind === 'other') {
          assert.equal(pieces.kind, 'other');
          if (pieces.kind === 'other') assert.ok(b(text).subarray(0, pieces.bytes.length).equals(pieces.bytes), 'a prefix of the input, request line complete');
        } else if (whole.kind === 'source' && pieces.kind === 'source') {
          assert.deepEqual(pieces.head, whole.head);
          const headLength = text.length - whole.rest.length;
          assert.ok(b(text).subarray(headLength, headLength + pieces.rest.length).equals(pieces.rest), 'the bytes right after the head');
        } else assert.deepEqual(shown(pieces), shown(whole));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
