/**
 * Origin proofs on the wire (src/gossamer/wire/origin-proof.ts): the optional tail of LEAVE, HEARTBEAT, STATUS and
 * ROUTE_UPDATE. Golden bytes, malformed tails with their codes, a seeded round trip of signed messages, and the one
 * prefix that is not truncated: the cut right before the proofs, which is the same message unsigned.
 */

import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { ErrorCode, ScError } from '../../../src/core/errors.ts';
import { decodeMessage, encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Message, type OriginProof, type RouteAdvert } from '../../../src/gossamer/wire/messages.ts';
import { record } from '../../support/gossamer-arbitraries.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, hex, unhex } from '../../support/wire.ts';

const SEED = fcSeed('origin-proof.test.ts', 0x0916);

/** A proof with recognisable bytes: key 11…, credential signature 22…, signature 33…. */
const proof = (incarnation: number): OriginProof => ({
  incarnation,
  publicKey: new Uint8Array(32).fill(0x11),
  credentialSignature: new Uint8Array(64).fill(0x22),
  signature: new Uint8Array(64).fill(0x33),
});
const PROOF_BODY = `${'11'.repeat(32)} ${'22'.repeat(64)} ${'33'.repeat(64)}`;
const route = (source: string, costMs: number, path: string[], p?: OriginProof): RouteAdvert => ({ source, costMs, path, ...(p && { proof: p }) });

/** The same messages, unsigned and signed: the signed bytes are the unsigned ones and a tail. */
const UNSIGNED = {
  leave: '01 09 0178 3ff8000000000000 0179',
  heartbeat: '01 0a 03733137 00000102',
  update: '01 08 01 02 0161 4000000000000000 02 0162 0161 0163 0000000000000000 01 0163 01 017a',
  status: '01 04 00000007 01 00 01 0162 4000000000000000 02 0161 0162',
};

const GOLDEN: Array<readonly [string, Message, string]> = [
  ['LEAVE with its proof (incarnation 1)', { type: MessageType.LEAVE, scx: 'x', timestampMs: 1.5, origin: 'y', proof: proof(1) }, `${UNSIGNED.leave} 01 ${PROOF_BODY}`],
  [
    'HEARTBEAT with its proof (incarnation 1.7e12 ms, a 6-byte varuint)',
    { type: MessageType.HEARTBEAT, generator: 's17', seq: 258, proof: proof(1_700_000_000_000) },
    `${UNSIGNED.heartbeat} 80d095ffbc31 ${PROOF_BODY}`,
  ],
  [
    'ROUTE_UPDATE, a proof for route 1 only (1 proof, index 1)',
    { type: MessageType.ROUTE_UPDATE, full: true, routes: [route('a', 2, ['b', 'a']), route('c', 0, ['c'], proof(2))], withdrawn: ['z'] },
    `${UNSIGNED.update} 01 01 02 ${PROOF_BODY}`,
  ],
  [
    'STATUS, a proof for its one route (1 proof, index 0)',
    { type: MessageType.STATUS, nonce: 7, canAccept: true, canEvict: false, routes: [route('b', 2, ['a', 'b'], proof(0))] },
    `${UNSIGNED.status} 01 00 00 ${PROOF_BODY}`,
  ],
];

const proofArb: fc.Arbitrary<OriginProof> = record({
  incarnation: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: 2 ** 45 })),
  publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  credentialSignature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
});
const idArb = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 });
const routeArb = fc
  .tuple(idArb, fc.integer({ min: 0, max: 10_000 }), fc.array(idArb, { maxLength: 4 }), fc.option(proofArb, { nil: undefined }))
  .map(([source, costMs, path, p]) => route(source, costMs, path, p));
const routesArb = fc.array(routeArb, { minLength: 1, maxLength: 5 }).filter((rs) => rs.some((r) => r.proof !== undefined));
const signedArb: fc.Arbitrary<Message> = fc.oneof(
  record({ type: fc.constant(MessageType.LEAVE), scx: idArb, timestampMs: fc.integer({ min: 0, max: 2 ** 40 }), origin: idArb, proof: proofArb }),
  record({ type: fc.constant(MessageType.HEARTBEAT), generator: idArb, seq: fc.integer({ min: 0, max: 0xffffffff }), proof: proofArb }),
  record({ type: fc.constant(MessageType.ROUTE_UPDATE), full: fc.boolean(), routes: routesArb, withdrawn: fc.array(idArb, { maxLength: 3 }) }),
  record({ type: fc.constant(MessageType.STATUS), nonce: fc.integer({ min: 0, max: 0xffffffff }), canAccept: fc.boolean(), canEvict: fc.boolean(), routes: routesArb }),
);

/** `m` without any proof: what a prefix cut right before its proofs decodes to. */
function unsigned(m: Message): Message {
  if (m.type === MessageType.LEAVE || m.type === MessageType.HEARTBEAT) {
    const { proof: _, ...rest } = m;
    return rest as Message;
  }
  if (m.type === MessageType.ROUTE_UPDATE || m.type === MessageType.STATUS) return { ...m, routes: m.routes.map((r) => route(r.source, r.costMs, [...r.path])) };
  return m;
}

const { RANGE, TRUNCATED, TRAILING, NONCANONICAL } = WireCode;
const TWO_ROUTES = '01 08 00 02 0161 4000000000000000 01 0161 0162 4000000000000000 01 0162 00';

describeWireFormat<Message>('Gossamer origin proofs', {
  decode: decodeMessage,
  encode: encodeMessage,
  golden: GOLDEN,
  malformed: [
    ['a LEAVE whose proof is cut inside its signature', `${UNSIGNED.leave} 01 ${PROOF_BODY.slice(0, -4)}`, TRUNCATED, /proof signature/],
    ['a LEAVE whose proof is followed by a byte', `${UNSIGNED.leave} 01 ${PROOF_BODY} 00`, TRAILING, /1 trailing bytes/],
    ['a HEARTBEAT with one byte where a proof would be', `${UNSIGNED.heartbeat} 01`, TRUNCATED, /proof publicKey/],
    ['an incarnation not minimally encoded', `${UNSIGNED.leave} 8000 ${PROOF_BODY}`, NONCANONICAL, /not minimally encoded/],
    ['route proofs: a count of 0', `${UNSIGNED.update} 00`, RANGE, /a count of 0/],
    ['route proofs: more proofs than routes', `${UNSIGNED.status} 02 00 00 ${PROOF_BODY} 01 00 ${PROOF_BODY}`, RANGE, /2 proofs for 1 routes/],
    ['route proofs: an index past the routes', `${UNSIGNED.status} 01 01 00 ${PROOF_BODY}`, RANGE, /index 1 .*not in 0\.\.0/],
    ['route proofs: indices not increasing', `${TWO_ROUTES} 02 01 00 ${PROOF_BODY} 00 00 ${PROOF_BODY}`, RANGE, /index 0 .*not in 2\.\.1/],
    ['route proofs: an index twice', `${TWO_ROUTES} 02 00 00 ${PROOF_BODY} 00 00 ${PROOF_BODY}`, RANGE, /index 0 .*not in 1\.\.1/],
    ['route proofs: a count with too few bytes behind it', `${TWO_ROUTES} 02 00 00 ${PROOF_BODY}`, TRUNCATED, /announce 2 proofs/],
    ['route proofs: a section followed by a byte', `${UNSIGNED.status} 01 00 00 ${PROOF_BODY} 00`, TRAILING, /1 trailing bytes/],
  ],
  prefixes: {
    upTo: (v) => encodeMessage(unsigned(v)).length,
    title: 'every strict prefix of the unsigned part is truncated, every extra byte trailing (cuts in the proofs: below)',
  },
  trailing: true,
  arbitrary: signedArb,
  seed: SEED,
  value: 'signed message',
  packets: 'signed messages',
  extra() {
    it('a cut right before the proofs is the message unsigned; every other cut in the proofs is truncated', () => {
      for (const [, m, bytes] of GOLDEN) {
        const full = unhex(bytes);
        const at = encodeMessage(unsigned(m)).length;
        assert.equal(hex(full.subarray(0, at)), hex(encodeMessage(unsigned(m))));
        assert.deepEqual(decodedValue(decodeMessage(full.subarray(0, at))), unsigned(m));
        for (let n = at + 1; n < full.length; n++) assertRefused(decodeMessage(full.subarray(0, n)), TRUNCATED);
      }
    });

    it('messages without proofs keep their bytes (the simulator and insecure nodes send them)', () => {
      assert.equal(hex(encodeMessage(unsigned(GOLDEN[0]![1]))), UNSIGNED.leave.replace(/\s+/g, ''));
      assert.equal(hex(encodeMessage(unsigned(GOLDEN[2]![1]))), UNSIGNED.update.replace(/\s+/g, ''));
    });

    it('the encoder refuses a proof the decoder would refuse', () => {
      const bad: Array<[Partial<OriginProof>, RegExp]> = [
        [{ publicKey: new Uint8Array(31) }, /publicKey must be a Uint8Array of 32 bytes/],
        [{ signature: new Uint8Array(65) }, /signature must be a Uint8Array of 64 bytes/],
        [{ credentialSignature: [1, 2] as unknown as Uint8Array }, /credentialSignature/],
        [{ incarnation: -1 }, /incarnation -1/],
        [{ incarnation: 1.5 }, /incarnation 1.5/],
        [{ incarnation: 2 ** 53 }, /incarnation/],
      ];
      for (const [fields, reason] of bad) {
        const p = { ...proof(1), ...fields };
        assert.throws(() => encodeMessage({ type: MessageType.HEARTBEAT, generator: 'g', seq: 1, proof: p }), (err: unknown) => {
          assert.ok(err instanceof ScError && err.code === ErrorCode.MESSAGE_MALFORMED, String(err));
          assert.match(err.message, reason);
          return true;
        });
      }
    });
  },
});
