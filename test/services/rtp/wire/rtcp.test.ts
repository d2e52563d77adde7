import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  decodeRtcp,
  encodeRtcp,
  MAX_RTCP_BYTES,
  MAX_RTCP_COUNT,
  type ReportBlock,
  type RtcpApp,
  type RtcpPacket,
  type RtcpReceiverReport,
} from '../../../../src/services/rtp/wire/rtcp.ts';
import { assertRefused, decodedValue, fcSeed, garbledArb, hex, textArb, unhex } from '../../../support/wire.ts';
import { assertDecodesCanonically } from './canonical.ts';

const SEED = fcSeed('rtcp.test', 0x3550);

const BLOCK: ReportBlock = { ssrc: 0xaabbccdd, fractionLost: 25, cumulativeLost: -3, highestSeq: 0x1000a, jitter: 0x123, lsr: 0x5c008000, dlsr: 0x10000 };
const BLOCK_HEX = 'aabbccdd 19 fffffd 0001000a 00000123 5c008000 00010000';

const SR: RtcpPacket = { type: 'SR', ssrc: 0x11223344, ntpSec: 0xeb3a5c00, ntpFrac: 0x80000000, rtpTimestamp: 90000, packetCount: 100, octetCount: 41800, reports: [] };
const SR_HEX = '80c80006 11223344 eb3a5c00 80000000 00015f90 00000064 0000a348';
const RR: RtcpReceiverReport = { type: 'RR', ssrc: 0x01020304, reports: [BLOCK] };
const RR_HEX = `81c90007 01020304 ${BLOCK_HEX}`;
const EMPTY_RR: RtcpPacket = { type: 'RR', ssrc: 0x01020304, reports: [] };
const EMPTY_RR_HEX = '80c90001 01020304';

/** Pinned compounds (an SR or RR first, as RFC 3550 A.2 wants), computed by hand from RFC 3550 6.4-6.7. */
const GOLDEN: [string, RtcpPacket[], string][] = [
  ['SR, no blocks', [SR], SR_HEX],
  ['SR with a block', [{ ...SR, reports: [BLOCK] }], `81c8000c 11223344 eb3a5c00 80000000 00015f90 00000064 0000a348 ${BLOCK_HEX}`],
  ['RR with a block (negative cumulative loss)', [RR], RR_HEX],
  ['RR, no blocks', [EMPTY_RR], EMPTY_RR_HEX],
  ['SR + SDES CNAME (the source SCX every interval)', [SR, { type: 'SDES', chunks: [{ ssrc: 0x11223344, items: [{ type: 1, text: 'scx@a' }] }] }], `${SR_HEX} 81ca0003 11223344 0105 7363784061 00`],
  [
    'RR + SDES: three chunks, padding of 1, 4 and 4 null bytes',
    [
      EMPTY_RR,
      {
        type: 'SDES',
        chunks: [
          { ssrc: 0x11223344, items: [{ type: 1, text: 'scx@a' }] },
          { ssrc: 0x55667788, items: [{ type: 2, text: 'é' }] },
          { ssrc: 0x99aabbcc, items: [] },
        ],
      },
    ],
    `${EMPTY_RR_HEX} 83ca0008 11223344 01057363784061 00 55667788 0202c3a9 00000000 99aabbcc 00000000`,
  ],
  ['RR + BYE, no reason', [EMPTY_RR, { type: 'BYE', ssrcs: [0x11223344] }], `${EMPTY_RR_HEX} 81cb0001 11223344`],
  ['RR + BYE, two sources, reason "bye"', [EMPTY_RR, { type: 'BYE', ssrcs: [0x11223344, 0x55667788], reason: 'bye' }], `${EMPTY_RR_HEX} 82cb0003 11223344 55667788 03627965`],
  ['RR + BYE, reason "gone" (3 bytes of padding)', [EMPTY_RR, { type: 'BYE', ssrcs: [0x11223344], reason: 'gone' }], `${EMPTY_RR_HEX} 81cb0003 11223344 04676f6e 65000000`],
  ['RR + BYE, empty reason', [EMPTY_RR, { type: 'BYE', ssrcs: [0x11223344], reason: '' }], `${EMPTY_RR_HEX} 81cb0002 11223344 00000000`],
  ['RR + BYE of nobody', [EMPTY_RR, { type: 'BYE', ssrcs: [] }], `${EMPTY_RR_HEX} 80cb0000`],
  ['RR + APP', [EMPTY_RR, { type: 'APP', subtype: 5, ssrc: 0x11223344, name: 'TEST', data: unhex('01020304') }], `${EMPTY_RR_HEX} 85cc0003 11223344 54455354 01020304`],
  ['RR + empty SDES + APP without data', [EMPTY_RR, { type: 'SDES', chunks: [] }, { type: 'APP', subtype: 31, ssrc: 1, name: 'a b~', data: new Uint8Array(0) }], `${EMPTY_RR_HEX} 80ca0000 9fcc0002 00000001 6120627e`],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['version 1', '40c90001 01020304', WireCode.VERSION],
  ['version 3 in the second packet', `${EMPTY_RR_HEX} c1cb0001 11223344`, WireCode.VERSION],
  ['an SDES first', '81ca0003 11223344 01057363784061 00', WireCode.UNKNOWN_TYPE],
  ['a BYE first', '81cb0001 11223344', WireCode.UNKNOWN_TYPE],
  ['an XR (207) inside: refused, not skipped', `${EMPTY_RR_HEX} 80cf0001 01020304`, WireCode.UNKNOWN_TYPE],
  ['a type 199 inside', `${EMPTY_RR_HEX} 80c70000`, WireCode.UNKNOWN_TYPE],
  ['padding on the first packet', 'a0c90002 01020304 00000004', WireCode.RANGE],
  ['padding on a packet before the last', `${EMPTY_RR_HEX} a0cb0001 00000004 80cb0000`, WireCode.RANGE],
  ['padding count 0', `${EMPTY_RR_HEX} a1cb0002 11223344 00000000`, WireCode.RANGE],
  ['padding count not a multiple of 4', `${EMPTY_RR_HEX} a1cb0002 11223344 00000003`, WireCode.RANGE],
  ['padding count past the packet', `${EMPTY_RR_HEX} a1cb0002 11223344 0000000c`, WireCode.RANGE],
  ['a length past the end', '80c90002 01020304', WireCode.TRUNCATED],
  ['a report block announced, none there', '81c90001 01020304', WireCode.TRUNCATED],
  ['a length longer than the blocks', '80c90002 01020304 00000000', WireCode.TRAILING],
  ['a header cut after the first packet', `${EMPTY_RR_HEX} 80`, WireCode.TRUNCATED],
  ['SDES text that is not UTF-8', `${EMPTY_RR_HEX} 81ca0003 11223344 0102fffe 00000000`, WireCode.UTF8],
  ['SDES padding that is not zero', `${EMPTY_RR_HEX} 81ca0002 11223344 01000001`, WireCode.RANGE],
  ['SDES chunk without its null item', `${EMPTY_RR_HEX} 81ca0001 11223344`, WireCode.TRUNCATED],
  ['SDES item running past the packet', `${EMPTY_RR_HEX} 81ca0002 11223344 01096162`, WireCode.TRUNCATED],
  ['SDES with a word of nulls more than needed', `${EMPTY_RR_HEX} 81ca0003 11223344 01016100 00000000`, WireCode.TRAILING],
  ['BYE with fewer sources than its count', `${EMPTY_RR_HEX} 82cb0001 11223344`, WireCode.TRUNCATED],
  ['BYE reason padding that is not zero', `${EMPTY_RR_HEX} 81cb0002 11223344 01610001`, WireCode.RANGE],
  ['BYE reason running past the packet', `${EMPTY_RR_HEX} 81cb0002 11223344 09616263`, WireCode.TRUNCATED],
  ['BYE reason that is not UTF-8', `${EMPTY_RR_HEX} 81cb0002 11223344 02c32800`, WireCode.UTF8],
  ['APP name with a NUL', `${EMPTY_RR_HEX} 80cc0002 11223344 00414243`, WireCode.RANGE],
  ['APP name with a non-ASCII byte', `${EMPTY_RR_HEX} 80cc0002 11223344 414243c3`, WireCode.RANGE],
  ['APP without its name', `${EMPTY_RR_HEX} 80cc0001 11223344`, WireCode.TRUNCATED],
  ['over MAX_RTCP_BYTES', `80c9${(MAX_RTCP_BYTES / 4 - 1).toString(16).padStart(4, '0')} ${'00'.repeat(MAX_RTCP_BYTES - 4)} 00`, WireCode.OVERSIZE],
];

/** Offsets where each packet of a compound starts, and its end. */
function boundaries(bytes: Uint8Array): number[] {
  const at = [0];
  while (at.at(-1)! < bytes.length) at.push(at.at(-1)! + 4 + ((bytes[at.at(-1)! + 2]! << 8) | bytes[at.at(-1)! + 3]!) * 4);
  return at;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const blockArb: fc.Arbitrary<ReportBlock> = fc.record(
  { ssrc: u32, fractionLost: fc.integer({ min: 0, max: 255 }), cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }), highestSeq: u32, jitter: u32, lsr: u32, dlsr: u32 },
  { noNullPrototype: true },
);
const blocksArb = fc.array(blockArb, { maxLength: 3 });
const reportArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ type: fc.constant('SR' as const), ssrc: u32, ntpSec: u32, ntpFrac: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: blocksArb }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('RR' as const), ssrc: u32, reports: blocksArb }, { noNullPrototype: true }),
);
const itemArb = fc.record({ type: fc.integer({ min: 1, max: 255 }), text: textArb(0, 10) }, { noNullPrototype: true });
const chunkArb = fc.record({ ssrc: u32, items: fc.array(itemArb, { maxLength: 3 }) }, { noNullPrototype: true });
const otherArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  reportArb,
  fc.record({ type: fc.constant('SDES' as const), chunks: fc.array(chunkArb, { maxLength: 3 }) }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('BYE' as const), ssrcs: fc.array(u32, { maxLength: 3 }), reason: textArb(0, 10) }, { requiredKeys: ['type', 'ssrcs'], noNullPrototype: true }),
  fc.record(
    {
      type: fc.constant('APP' as const),
      subtype: fc.integer({ min: 0, max: 31 }),
      ssrc: u32,
      name: fc.array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 4, maxLength: 4 }).map((cs) => String.fromCharCode(...cs)),
      data: fc.integer({ min: 0, max: 16 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
    },
    { noNullPrototype: true },
  ),
);
const compoundArb = fc.tuple(reportArb, fc.array(otherArb, { maxLength: 3 })).map(([first, rest]) => [first, ...rest]);

describe('RTCP compound packets (RFC 3550 6.4-6.7, A.2)', () => {
  for (const [title, packets, bytes] of GOLDEN) {
    it(`golden: ${title}`, () => {
      assert.equal(hex(encodeRtcp(packets)), bytes.replace(/\s+/g, ''));
      assert.deepEqual(decodedValue(decodeRtcp(unhex(bytes))), packets);
    });
  }

  for (const [title, bytes, code] of MALFORMED) it(`refuses ${title} (${code})`, () => assertRefused(decodeRtcp(unhex(bytes)), code));

  it('refuses every cut inside a packet; a cut between packets is the compound of those before it', () => {
    for (const [, packets, text] of GOLDEN) {
      const bytes = unhex(text);
      const cuts = boundaries(bytes);
      for (let n = 0; n < bytes.length; n++) {
        const at = cuts.indexOf(n);
        if (at > 0) assert.deepEqual(decodedValue(decodeRtcp(bytes.subarray(0, n))), packets.slice(0, at));
        else assertRefused(decodeRtcp(bytes.subarray(0, n)), WireCode.TRUNCATED);
      }
    }
  });

  it('accepts padding on the last packet and strips it (re-encoded without)', () => {
    const padded = unhex(`${EMPTY_RR_HEX} a1cb0003 11223344 00000000 00000008`);
    const packets = decodedValue(decodeRtcp(padded));
    assert.deepEqual(packets, [EMPTY_RR, { type: 'BYE', ssrcs: [0x11223344] }]);
    assert.equal(hex(encodeRtcp(packets)), `${EMPTY_RR_HEX} 81cb0001 11223344`.replace(/\s+/g, ''));
  });

  it('takes the limits exactly: 31 blocks, MAX_RTCP_BYTES in all', () => {
    const full: RtcpPacket = { type: 'RR', ssrc: 1, reports: new Array<ReportBlock>(MAX_RTCP_COUNT).fill(BLOCK) };
    assert.equal(decodedValue(decodeRtcp(encodeRtcp([full]))).length, 1);
    const app: RtcpApp = { type: 'APP', subtype: 0, ssrc: 1, name: 'DATA', data: new Uint8Array(MAX_RTCP_BYTES - 8 - 12) };
    const bytes = encodeRtcp([EMPTY_RR, app]);
    assert.equal(bytes.length, MAX_RTCP_BYTES);
    assert.equal(decodedValue(decodeRtcp(bytes)).length, 2);
  });

  it('refuses to encode what it could not decode', () => {
    const bad: [string, RtcpPacket[]][] = [
      ['no packets', []],
      ['an SDES first', [{ type: 'SDES', chunks: [] }]],
      ['32 blocks', [{ type: 'RR', ssrc: 1, reports: new Array<ReportBlock>(32).fill(BLOCK) }]],
      ['32 BYE sources', [EMPTY_RR, { type: 'BYE', ssrcs: new Array<number>(32).fill(1) }]],
      ['cumulative loss under -2^23', [{ type: 'RR', ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: -0x800001 }] }]],
      ['cumulative loss over 2^23-1', [{ type: 'RR', ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: 0x800000 }] }]],
      ['fraction lost 256', [{ type: 'RR', ssrc: 1, reports: [{ ...BLOCK, fractionLost: 256 }] }]],
      ['an SSRC outside u32', [{ type: 'RR', ssrc: 2 ** 32, reports: [] }]],
      ['SDES item type 0', [EMPTY_RR, { type: 'SDES', chunks: [{ ssrc: 1, items: [{ type: 0, text: '' }] }] }]],
      ['SDES text over 255 bytes', [EMPTY_RR, { type: 'SDES', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'x'.repeat(256) }] }] }]],
      ['a BYE reason with a lone surrogate', [EMPTY_RR, { type: 'BYE', ssrcs: [], reason: '\ud800' }]],
      ['an APP name of 3 characters', [EMPTY_RR, { type: 'APP', subtype: 0, ssrc: 1, name: 'ABC', data: new Uint8Array(0) }]],
      ['an APP name not ASCII', [EMPTY_RR, { type: 'APP', subtype: 0, ssrc: 1, name: 'ABCé', data: new Uint8Array(0) }]],
      ['APP data of 3 bytes', [EMPTY_RR, { type: 'APP', subtype: 0, ssrc: 1, name: 'ABCD', data: new Uint8Array(3) }]],
      ['APP subtype 32', [EMPTY_RR, { type: 'APP', subtype: 32, ssrc: 1, name: 'ABCD', data: new Uint8Array(0) }]],
      ['over MAX_RTCP_BYTES', [EMPTY_RR, { type: 'APP', subtype: 0, ssrc: 1, name: 'DATA', data: new Uint8Array(MAX_RTCP_BYTES - 16) }]],
    ];
    for (const [title, packets] of bad) assert.throws(() => encodeRtcp(packets), RangeError, title);
  });

  it(`round-trips any compound, byte for byte (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(compoundArb, (packets) => {
        const bytes = encodeRtcp(packets);
        assert.deepEqual(decodedValue(decodeRtcp(bytes)), packets);
        assert.equal(hex(encodeRtcp(decodedValue(decodeRtcp(bytes)))), hex(bytes));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws on garbled compounds; what it takes re-encodes canonically (fast-check seed ${SEED})`, () => {
    const padded = (b: Uint8Array): boolean => {
      const cuts = boundaries(b);
      const last = cuts.at(-2);
      return cuts.at(-1) === b.length && last !== undefined && ((b[last] ?? 0) & 0x20) !== 0;
    };
    const fixtures = [...GOLDEN.map(([, , b]) => unhex(b)), unhex(`${EMPTY_RR_HEX} a1cb0003 11223344 00000000 00000008`)];
    fc.assert(
      fc.property(garbledArb(fixtures), (bytes) => assertDecodesCanonically(decodeRtcp, encodeRtcp, bytes, padded(bytes) ? 'stripped' : 'exact')),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
