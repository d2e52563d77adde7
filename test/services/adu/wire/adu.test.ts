import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  ADU_FIXED_BYTES,
  decodeAduFragment,
  encodeAduFragment,
  fragmentAdu,
  fragmentCount,
  MAX_ADU_BYTES,
  MAX_FRAGMENT_BODY,
  MAX_FRAGMENTS,
  type AduFragment,
  type AduHeader,
} from '../../../../src/services/adu/wire/adu.ts';
import { describeWireFormat, fcSeed, textArb, unhex } from '../../../support/wire.ts';

const SEED = fcSeed('adu.test', 0xad0);

const header = (fields: Partial<AduHeader>): AduHeader => ({
  presentation: 'talk',
  slide: 3,
  object: 9,
  version: 2,
  kind: 2,
  reliability: 'reliable',
  slideSeq: 7,
  fragment: 0,
  fragments: 1,
  ...fields,
});
const frag = (h: Partial<AduHeader>, body: string): AduFragment => ({ header: header(h), body: unhex(body) });

/** The fixed header of a reliable text ADU (slide 3, object 9 v2, seq 7) up to the fragment fields. */
const HEAD = '41 01 02 0003 00000009 00000002 00000007 00000000 00000000';
const TALK = '04 74616c6b';
const FULL = 'ab'.repeat(MAX_FRAGMENT_BODY);

const encode = (f: AduFragment): Uint8Array => encodeAduFragment(f.header, f.body);

const u32 = fc.integer({ min: 1, max: 0xffffffff });
const fragmentArb: fc.Arbitrary<AduFragment> = fc
  .record({
    presentation: textArb(1, 16).filter((s) => Buffer.byteLength(s) <= 64),
    slide: fc.integer({ min: 0, max: 0xffff }),
    object: u32,
    version: u32,
    kind: fc.integer({ min: 1, max: 255 }),
    reliable: fc.boolean(),
    seq: u32,
    after: fc.option(fc.record({ object: u32, version: u32 }, { noNullPrototype: true }), { nil: undefined }),
    fragments: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: MAX_FRAGMENTS })),
    at: fc.nat(),
    last: fc.boolean(),
    bodySeed: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }, { noNullPrototype: true })
  .map((a) => {
    const fragment = a.last ? a.fragments - 1 : a.at % a.fragments;
    const isLast = fragment === a.fragments - 1;
    const room = Math.min(MAX_FRAGMENT_BODY, MAX_ADU_BYTES - (a.fragments - 1) * MAX_FRAGMENT_BODY);
    const size = !isLast ? MAX_FRAGMENT_BODY : a.fragments === 1 ? a.bodySeed.length - 1 : 1 + ((a.bodySeed[0]! * 37) % room);
    const body = new Uint8Array(size).map((_, i) => a.bodySeed[i % a.bodySeed.length]!);
    const spec = { presentation: a.presentation, slide: a.slide, object: a.object, version: a.version, kind: a.kind, reliability: a.reliable ? ('reliable' as const) : ('best-effort' as const) };
    const h: AduHeader = { ...spec, ...(a.after ? { after: a.after } : {}), slideSeq: a.reliable ? a.seq : 0, fragment, fragments: a.fragments };
    return { header: h, body };
  });

describeWireFormat('the ADU fragment (paper 5.2)', {
  decode: decodeAduFragment,
  encode,
  golden: [
    ['a reliable text ADU in one fragment', frag({}, '7b7d'), `${HEAD} 0000 0001 ${TALK} 7b7d`],
    [
      'the current-slide pointer: slide 0, after (12, 3), a two-byte name, empty body, the last seq',
      frag({ slide: 0, object: 1, version: 5, kind: 7, slideSeq: 0xffffffff, after: { object: 12, version: 3 }, presentation: 'é' }, ''),
      '41 01 07 0000 00000001 00000005 ffffffff 0000000c 00000003 0000 0001 02 c3a9',
    ],
    [
      'a best-effort stroke, every field at its top',
      frag({ reliability: 'best-effort', slideSeq: 0, kind: 3, slide: 0xffff, object: 0xffffffff, version: 0xffffffff, presentation: 'p' }, '00ff'),
      '41 00 03 ffff ffffffff ffffffff 00000000 00000000 00000000 0000 0001 01 70 00ff',
    ],
    ['the first of two fragments, full', frag({ fragments: 2 }, FULL), `${HEAD} 0000 0002 ${TALK} ${FULL}`],
    ['the last of three fragments, one byte', frag({ kind: 5, slide: 1, object: 2, version: 1, slideSeq: 12, fragment: 2, fragments: 3 }, '78'), `41 01 05 0001 00000002 00000001 0000000c 00000000 00000000 0002 0003 ${TALK} 78`],
    ['the last fragment of the largest ADU (8 MiB)', frag({ fragment: MAX_FRAGMENTS - 1, fragments: MAX_FRAGMENTS }, '0102030405060708'), `${HEAD} 1dca 1dcb ${TALK} 0102030405060708`],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['another type', `42 01 02 0003 00000009 00000002 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.UNKNOWN_TYPE],
    ['an unknown flag', `41 03 02 0003 00000009 00000002 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /flags/],
    ['kind 0', `41 01 00 0003 00000009 00000002 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /kind/],
    ['object 0', `41 01 02 0003 00000000 00000002 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /object/],
    ['version 0', `41 01 02 0003 00000009 00000000 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /version/],
    ['a reliable fragment with seq 0', `41 01 02 0003 00000009 00000002 00000000 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /slideSeq/],
    ['a best-effort fragment with a seq', `41 00 02 0003 00000009 00000002 00000007 00000000 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /slideSeq/],
    ['after with object 0', `41 01 02 0003 00000009 00000002 00000007 00000000 00000003 0000 0001 ${TALK}`, WireCode.RANGE, /half set/],
    ['after with version 0', `41 01 02 0003 00000009 00000002 00000007 00000003 00000000 0000 0001 ${TALK}`, WireCode.RANGE, /half set/],
    ['zero fragments', `${HEAD} 0000 0000 ${TALK}`, WireCode.RANGE, /fragments/],
    ['fragment 1 of 1', `${HEAD} 0001 0001 ${TALK}`, WireCode.RANGE, /fragment 1/],
    ['more fragments than 8 MiB takes', `${HEAD} 0000 1dcc ${TALK} ${FULL}`, WireCode.RANGE, /fragments/],
    ['an empty presentation', `${HEAD} 0000 0001 00`, WireCode.RANGE, /presentation/],
    ['a presentation of 65 bytes', `${HEAD} 0000 0001 41 ${'61'.repeat(65)}`, WireCode.OVERSIZE, /presentation/],
    ['a presentation not UTF-8', `${HEAD} 0000 0001 02 c328`, WireCode.UTF8],
    ['a first fragment not full', `${HEAD} 0000 0002 ${TALK} 0102`, WireCode.RANGE, /carries 2 bytes/],
    ['the last of two fragments empty', `${HEAD} 0001 0002 ${TALK}`, WireCode.RANGE, /empty/],
    ['a body over one fragment', `${HEAD} 0000 0001 ${TALK} ${FULL}00`, WireCode.RANGE, /exceeds/],
    ['the largest ADU one byte over 8 MiB', `${HEAD} 1dca 1dcb ${TALK} 010203040506070809`, WireCode.RANGE, /over 8388608/],
  ],
  prefixes: { upTo: (f) => ADU_FIXED_BYTES + 1 + Buffer.byteLength(f.header.presentation), title: 'every cut inside the header is truncated (the body runs to the end)' },
  arbitrary: fragmentArb,
  seed: SEED,
  value: 'fragment',
  packets: 'fragments',
  numRuns: { roundTrip: 300, garbled: 2000 },
  extra: () => {
    it('refuses to encode what it could not decode', () => {
      const bad = (h: Partial<AduHeader>, body = new Uint8Array(1)): void => assert.throws(() => encodeAduFragment(header(h), body), RangeError, JSON.stringify(h));
      bad({ kind: 0 });
      bad({ kind: 256 });
      bad({ slide: 65536 });
      bad({ slide: 1.5 });
      bad({ object: 0 });
      bad({ version: 2 ** 32 });
      bad({ slideSeq: 0 });
      bad({ reliability: 'best-effort' });
      bad({ after: { object: 0, version: 1 } });
      bad({ fragments: 0 });
      bad({ fragment: 1 });
      bad({ presentation: '' });
      bad({ presentation: 'a'.repeat(65) });
      bad({ presentation: '\ud800' });
      bad({ fragments: 2 }, new Uint8Array(10));
      bad({}, new Uint8Array(MAX_FRAGMENT_BODY + 1));
    });
  },
});

describe('fragmenting and assembling ADUs', () => {
  const spec = { presentation: 'talk', slide: 2, object: 40, version: 3, kind: 5, reliability: 'reliable' as const };

  it('counts fragments: an empty body takes one, 1100 bytes one, 1101 two', () => {
    assert.deepEqual([0, 1, 1100, 1101, 2200, 2201, MAX_ADU_BYTES].map(fragmentCount), [1, 1, 1, 2, 2, 3, MAX_FRAGMENTS]);
  });

  it('numbers reliable fragments from the first seq and best-effort ones 0', () => {
    const body = new Uint8Array(2500).map((_, i) => i & 0xff);
    const seqs = fragmentAdu(spec, body, 41).map((p) => decode(p).header.slideSeq);
    assert.deepEqual(seqs, [41, 42, 43]);
    const be = fragmentAdu({ ...spec, reliability: 'best-effort' }, body, 41).map((p) => decode(p).header.slideSeq);
    assert.deepEqual(be, [0, 0, 0]);
    assert.throws(() => fragmentAdu(spec, body, 0), RangeError);
    assert.throws(() => fragmentAdu(spec, body, 0xffffffff - 1), RangeError, 'the seqs must fit a u32');
    assert.throws(() => fragmentAdu(spec, new Uint8Array(MAX_ADU_BYTES + 1), 1), RangeError);
  });
});

function decode(bytes: Uint8Array): AduFragment {
  const d = decodeAduFragment(bytes);
  if (!d.ok) assert.fail(`${d.code}: ${d.reason}`);
  return d.value;
}
