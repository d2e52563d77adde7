import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WireCode } from '../../../src/core/decoded.ts';
import { decodeRelease, encodeRelease } from '../../../src/services/forward/release.ts';
import { decodedValue, describeWireFormat, fcSeed, textArb, unhex } from '../../support/wire.ts';

const SEED = fcSeed('release.test', 0x5cab);

/** Pinned encodings (taken from the encoder before it moved onto core/bytes). */
const GOLDEN: [string, string][] = [
  ['10.0.0.1:7400', '01 31302e302e302e313a37343030'],
  ['s', '01 73'],
  ['é€', '01 c3a9e282ac'],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['no source', '01', WireCode.TRUNCATED],
  ['type 2', '02 73', WireCode.UNKNOWN_TYPE],
  ['a NACK (type 16) is no RELEASE', '10 0173 01 00000001 0001', WireCode.UNKNOWN_TYPE],
  ['a source over 255 bytes', `01 ${'61'.repeat(256)}`, WireCode.OVERSIZE],
  ['invalid UTF-8', '01 ff', WireCode.UTF8],
  ['a UTF-8 sequence cut short', '01 c3', WireCode.UTF8],
];

describeWireFormat("the forward module's RELEASE", {
  decode: decodeRelease,
  encode: encodeRelease,
  golden: GOLDEN,
  title: (source) => source,
  malformed: MALFORMED,
  prefixes: { upTo: () => 2, title: 'cuts before the source are truncated (the source runs to the end: a longer cut names another source)' },
  arbitrary: textArb(1, 63),
  seed: SEED,
  value: 'source',
  packets: 'messages',
  extra: () => {
    it('accepts a source of exactly 255 bytes', () => {
      assert.equal(decodedValue(decodeRelease(unhex(`01 ${'61'.repeat(255)}`))), 'a'.repeat(255));
    });

    it('refuses to encode an empty or over-long source', () => {
      for (const bad of ['', 'x'.repeat(256), 'a\uD800']) assert.throws(() => encodeRelease(bad), RangeError);
    });
  },
});
