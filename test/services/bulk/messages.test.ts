import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { MANIFEST_PART_BYTES, MAX_CHUNK_BYTES, MAX_MANIFEST_PARTS } from '../../../src/services/bulk/manifest.ts';
import { decodeBulk, encodeBulk, FILE_ID_BYTES, MAX_WANT_CHUNKS, MAX_WANT_RANGES, type BulkMessage, type ChunkRange } from '../../../src/services/bulk/messages.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, unhex } from '../../support/wire.ts';

const SEED = fcSeed('bulk messages.test', 0xb0c5);

/** The file id of the fixtures, and its hex. */
const ID = new Uint8Array(FILE_ID_BYTES).fill(7);
const F = '07'.repeat(FILE_ID_BYTES);

/** A WANT of `n` ranges `first`+`count` (hex). */
const want = (n: number, range: string): string => `22 ${F} ${n.toString(16).padStart(2, '0')} ${range.repeat(n)}`;

const GOLDEN: [BulkMessage, string][] = [
  [{ type: 'manifest-part', fileId: ID, part: 1, parts: 2, bytes: unhex('010203') }, `20 ${F} 0001 0002 010203`],
  [{ type: 'manifest-part', fileId: ID, part: 63, parts: MAX_MANIFEST_PARTS, bytes: new Uint8Array(0) }, `20 ${F} 003f 0040`],
  [{ type: 'chunk', fileId: ID, index: 4_000_000_000, bytes: unhex('0909') }, `21 ${F} ee6b2800 0909`],
  [{ type: 'want', fileId: ID, ranges: [{ first: 0, count: 3 }, { first: 10, count: 1 }] }, `22 ${F} 02 00000000 0003 0000000a 0001`],
  [{ type: 'want', fileId: ID, ranges: [{ first: 0xffffffff, count: 1 }] }, `22 ${F} 01 ffffffff 0001`],
  [{ type: 'want-manifest', fileId: ID }, `23 ${F}`],
  [{ type: 'want-manifest', fileId: undefined }, '23'],
  [{ type: 'credit', fileId: ID, through: 17 }, `24 ${F} 00000011`],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['a RELEASE (type 1)', '01 41', WireCode.UNKNOWN_TYPE],
  ['type 31', `1f ${F}`, WireCode.UNKNOWN_TYPE],
  ['type 37', `25 ${F} 00000001`, WireCode.UNKNOWN_TYPE],
  ['an unknown type is refused before the file id', '25', WireCode.UNKNOWN_TYPE],
  ['a cut file id', '21 0707', WireCode.TRUNCATED],
  ['a WANT_MANIFEST of 2 bytes', '23 07', WireCode.TRUNCATED],
  ['a WANT_MANIFEST with a byte after the file id', `23 ${F} 00`, WireCode.TRAILING],
  ['manifest part 0 of 0', `20 ${F} 0000 0000`, WireCode.RANGE],
  [`a manifest of ${MAX_MANIFEST_PARTS + 1} parts`, `20 ${F} 0000 0041`, WireCode.RANGE],
  ['part 2 of 2', `20 ${F} 0002 0002`, WireCode.RANGE],
  [`a manifest part of ${MANIFEST_PART_BYTES + 1} bytes`, `20 ${F} 0000 0001 ${'00'.repeat(MANIFEST_PART_BYTES + 1)}`, WireCode.OVERSIZE],
  [`a chunk of ${MAX_CHUNK_BYTES + 1} bytes`, `21 ${F} 00000000 ${'00'.repeat(MAX_CHUNK_BYTES + 1)}`, WireCode.OVERSIZE],
  ['a WANT of no ranges', want(0, ''), WireCode.RANGE],
  [`a WANT of ${MAX_WANT_RANGES + 1} ranges`, want(MAX_WANT_RANGES + 1, '00000000 0001'), WireCode.RANGE],
  ['an empty WANT range', want(1, '00000005 0000'), WireCode.RANGE],
  ['a WANT range past 2^32', want(1, 'ffffffff 0002'), WireCode.RANGE],
  [`a WANT of ${MAX_WANT_CHUNKS + 1} chunks`, `22 ${F} 02 00000000 0400 00001000 0001`, WireCode.OVERSIZE],
  ['a WANT with fewer ranges than announced', `22 ${F} 02 00000000 0001`, WireCode.TRUNCATED],
  ['a WANT with a byte after its ranges', `${want(1, '00000000 0001')} 00`, WireCode.TRAILING],
  ['a CREDIT with a byte after it', `24 ${F} 00000011 00`, WireCode.TRAILING],
];

const fileIdArb = fc.uint8Array({ minLength: FILE_ID_BYTES, maxLength: FILE_ID_BYTES });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const rangeArb: fc.Arbitrary<ChunkRange> = fc
  .tuple(u32, fc.integer({ min: 1, max: MAX_WANT_CHUNKS / MAX_WANT_RANGES }))
  .map(([first, count]) => ({ first: Math.min(first, 2 ** 32 - count), count }));
const messageArb: fc.Arbitrary<BulkMessage> = fc.oneof(
  fc
    .tuple(fileIdArb, fc.integer({ min: 1, max: MAX_MANIFEST_PARTS }), fc.nat(), fc.uint8Array({ maxLength: 100 }))
    .map(([fileId, parts, part, bytes]): BulkMessage => ({ type: 'manifest-part', fileId, part: part % parts, parts, bytes })),
  fc.tuple(fileIdArb, u32, fc.uint8Array({ maxLength: 100 })).map(([fileId, index, bytes]): BulkMessage => ({ type: 'chunk', fileId, index, bytes })),
  fc
    .tuple(fileIdArb, fc.array(rangeArb, { minLength: 1, maxLength: MAX_WANT_RANGES }))
    .map(([fileId, ranges]): BulkMessage => ({ type: 'want', fileId, ranges })),
  fc.option(fileIdArb, { nil: undefined }).map((fileId): BulkMessage => ({ type: 'want-manifest', fileId })),
  fc.tuple(fileIdArb, u32).map(([fileId, through]): BulkMessage => ({ type: 'credit', fileId, through })),
);

/** Where a message's bytes run to the end (MANIFEST_PART, CHUNK), or where it may stop ([35] alone). */
const runsFrom = (m: BulkMessage, bytes: Uint8Array): number =>
  m.type === 'manifest-part' || m.type === 'chunk' ? 37 : m.type === 'want-manifest' && m.fileId ? 1 : bytes.length;

describeWireFormat('bulk messages', {
  decode: decodeBulk,
  encode: encodeBulk,
  golden: GOLDEN,
  title: (m, hex) => `${m.type}: ${hex.length > 60 ? `${hex.slice(0, 60)}...` : hex}`,
  malformed: MALFORMED,
  prefixes: { upTo: runsFrom, title: 'every prefix cut is truncated, but past byte 37 of a MANIFEST_PART or CHUNK (it runs to the end) and [35] alone' },
  arbitrary: messageArb,
  seed: SEED,
  value: 'message',
  packets: 'messages',
  extra: () => {
    it('every cut of a WANT_MANIFEST inside its file id is truncated; a byte more after a fixed end is trailing', () => {
      for (let n = 2; n <= FILE_ID_BYTES; n++) assertRefused(decodeBulk(unhex(`23 ${F}`).subarray(0, n)), WireCode.TRUNCATED);
      for (const [m, hex] of GOLDEN) {
        if (m.type === 'manifest-part' || m.type === 'chunk') continue;
        const d = decodeBulk(unhex(`${hex} 00`));
        assert.equal(d.ok ? 'ok' : d.code, m.fileId === undefined ? WireCode.TRUNCATED : WireCode.TRAILING, `${m.type} ${hex}`);
      }
      assertRefused(decodeBulk(null as unknown as Uint8Array), WireCode.NOT_BYTES);
    });

    it('takes the limits exactly', () => {
      const last: BulkMessage = { type: 'manifest-part', fileId: ID, part: 63, parts: 64, bytes: new Uint8Array(MANIFEST_PART_BYTES) };
      const chunk: BulkMessage = { type: 'chunk', fileId: ID, index: 1, bytes: new Uint8Array(MAX_CHUNK_BYTES) };
      const full: BulkMessage = { type: 'want', fileId: ID, ranges: [{ first: 2 ** 32 - MAX_WANT_CHUNKS, count: MAX_WANT_CHUNKS }] };
      const many: BulkMessage = { type: 'want', fileId: ID, ranges: Array.from({ length: MAX_WANT_RANGES }, (_, k) => ({ first: k * 100, count: 16 })) };
      for (const m of [last, chunk, full, many]) assert.deepEqual(decodedValue(decodeBulk(encodeBulk(m))), m);
    });

    it('refuses to encode what it could not decode', () => {
      const part = (part: number, parts: number, bytes = new Uint8Array(1)): BulkMessage => ({ type: 'manifest-part', fileId: ID, part, parts, bytes });
      const wantOf = (...ranges: ChunkRange[]): BulkMessage => ({ type: 'want', fileId: ID, ranges });
      const bad: [string, BulkMessage][] = [
        ['parts 0', part(0, 0)],
        [`parts ${MAX_MANIFEST_PARTS + 1}`, part(0, MAX_MANIFEST_PARTS + 1)],
        ['part = parts', part(2, 2)],
        ['part -1', part(-1, 2)],
        ['a part too long', part(0, 1, new Uint8Array(MANIFEST_PART_BYTES + 1))],
        ['a chunk too long', { type: 'chunk', fileId: ID, index: 0, bytes: new Uint8Array(MAX_CHUNK_BYTES + 1) }],
        ['a chunk index past u32', { type: 'chunk', fileId: ID, index: 2 ** 32, bytes: new Uint8Array(1) }],
        ['a WANT of no ranges', wantOf()],
        ['a WANT of too many ranges', wantOf(...Array.from({ length: MAX_WANT_RANGES + 1 }, (_, k) => ({ first: k * 2, count: 1 })))],
        ['an empty range', wantOf({ first: 0, count: 0 })],
        ['a range past 2^32', wantOf({ first: 0xffffffff, count: 2 })],
        ['a range of 65536', wantOf({ first: 0, count: 0x10000 })],
        [`${MAX_WANT_CHUNKS + 1} chunks in all`, wantOf({ first: 0, count: MAX_WANT_CHUNKS }, { first: 5000, count: 1 })],
        ['a file id of 31 bytes', { type: 'credit', fileId: new Uint8Array(31), through: 0 }],
        ['a WANT_MANIFEST file id of 33 bytes', { type: 'want-manifest', fileId: new Uint8Array(33) }],
      ];
      for (const [title, m] of bad) assert.throws(() => encodeBulk(m), RangeError, title);
    });
  },
});
