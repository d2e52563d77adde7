import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { it } from 'node:test';
import fc from 'fast-check';

import { WireCode } from '../../src/core/decoded.ts';
import { ErrorCode } from '../../src/core/errors.ts';
import { sessionId } from '../../src/session/name.ts';
import {
  decodeSourceToken,
  encodeSourceToken,
  issueSourceToken,
  readSourceToken,
  SOURCE_TOKEN_BYTES,
  sourceTokenRefusal,
  type SourceToken,
} from '../../src/session/source-token.ts';
import { rawPublicKey } from '../../src/trust/credential.ts';
import { describeWireFormat, fcSeed, unhex, type GoldenCase } from '../support/wire.ts';

const SEED = fcSeed('source-token.test', 0x70c3);

const ID_SEQ = unhex('000102030405060708090a0b0c0d0e0f');
const NONCE = unhex('0102030405060708');
const SIG = new Uint8Array(64).fill(0xaa);
const SIG_HEX = 'aa'.repeat(64);

const GOLDEN: GoldenCase<SourceToken>[] = [
  [{ sessionId: ID_SEQ, notAfterS: 0x65000000, nonce: NONCE, signature: SIG }, `01 000102030405060708090a0b0c0d0e0f 65000000 0102030405060708 ${SIG_HEX}`],
  [{ sessionId: new Uint8Array(16), notAfterS: 0xffffffff, nonce: new Uint8Array(8), signature: new Uint8Array(64) }, `01 ${'00'.repeat(16)} ffffffff ${'00'.repeat(8)} ${'00'.repeat(64)}`],
];

const BODY = `000102030405060708090a0b0c0d0e0f 65000000 0102030405060708 ${SIG_HEX}`;

/** A creator key from a fixed 32-byte seed (PKCS#8 DER), so that its signatures are pinned too: Ed25519 signs deterministically. */
function seededKey(byte: number): ReturnType<typeof createPrivateKey> {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, byte)]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

const KEY = seededKey(7);
const OTHER = seededKey(8);
const PUBLIC = rawPublicKey(KEY);
const RADIO = sessionId('scast://radio.example/live');
const TV = sessionId('scast://radio.example/tv');
const NOW = 1_800_000_000;

describeWireFormat('the source token', {
  decode: decodeSourceToken,
  encode: encodeSourceToken,
  golden: GOLDEN,
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['version 0', `00 ${BODY}`, WireCode.VERSION, /source token version 0/],
    ['version 2', `02 ${BODY}`, WireCode.VERSION],
    ['signature cut short', `01 ${BODY.slice(0, -2)}`, WireCode.TRUNCATED],
    ['a byte past the signature', `01 ${BODY} 00`, WireCode.TRAILING],
  ],
  trailing: true,
  arbitrary: fc.record(
    {
      sessionId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      notAfterS: fc.integer({ min: 0, max: 0xffffffff }),
      nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    },
    { noNullPrototype: true },
  ),
  seed: SEED,
  value: 'token',
  packets: 'tokens',
  extra: () => {
    it('is 93 bytes, 124 characters of base64url, pinned for a fixed key', () => {
      const text = issueSourceToken(KEY, RADIO, NOW + 60, NONCE);
      assert.equal(SOURCE_TOKEN_BYTES, 93);
      assert.match(text, /^[A-Za-z0-9_-]{124}$/);
      assert.equal(text, 'AU-7JrBQKDVP9k0GYqEIgxZrSdI8AQIDBAUGBwh5CTNqthJDezXcze09_f-wzjE99ku8gxqb_EK83TvM16pHrTPJlrM_MYQmddX8IY80dV2IAFtY0-HHLIFOnsUG');
      const signed = Buffer.from(encodeSourceToken({ sessionId: RADIO, notAfterS: NOW + 60, nonce: NONCE, signature: SIG })).toString('base64url');
      assert.equal(text.slice(0, 38), signed.slice(0, 38), 'the 29 signed bytes come first, as they are');
    });

    it('lets its bearer send into its session until it expires, signed by the session creator only', () => {
      const check = { publicKey: PUBLIC, sessionId: RADIO, nowS: NOW };
      assert.equal(sourceTokenRefusal(issueSourceToken(KEY, RADIO, NOW + 1, NONCE), check), undefined);
      assert.equal(sourceTokenRefusal(issueSourceToken(KEY, RADIO, NOW, NONCE), check), ErrorCode.SOURCE_TOKEN_EXPIRED, 'refused from its notAfter second on');
      assert.equal(sourceTokenRefusal(issueSourceToken(KEY, RADIO, 0, NONCE), check), ErrorCode.SOURCE_TOKEN_EXPIRED);
      assert.equal(sourceTokenRefusal(issueSourceToken(KEY, TV, NOW + 60, NONCE), check), ErrorCode.SOURCE_TOKEN_SESSION);
      assert.equal(sourceTokenRefusal(issueSourceToken(OTHER, RADIO, NOW + 60, NONCE), check), ErrorCode.SOURCE_CREDENTIAL_INVALID);
      assert.equal(sourceTokenRefusal(issueSourceToken(OTHER, TV, 0, NONCE), check), ErrorCode.SOURCE_CREDENTIAL_INVALID, 'a forged token says nothing more');
    });

    it(`refuses text that is not exactly a token, and any token changed in one bit (fast-check seed ${SEED})`, () => {
      const good = issueSourceToken(KEY, RADIO, NOW + 60, NONCE);
      const check = { publicKey: PUBLIC, sessionId: RADIO, nowS: NOW };
      for (const bad of ['', 'secret-of-sixteen-chars', `${good}=`, `${good}A`, good.slice(0, -1), ` ${good}`, good.replace(/^./, '+'), `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`]) {
        assert.equal(sourceTokenRefusal(bad, check), ErrorCode.SOURCE_CREDENTIAL_INVALID, bad);
      }
      for (const bad of ['', `${good}=`, good.slice(0, -1), ` ${good}`, `${good}\n`]) assert.equal(readSourceToken(bad), undefined, bad);
      assert.deepEqual(readSourceToken(good)?.nonce, NONCE);
      const bytes = Buffer.from(good, 'base64url');
      fc.assert(
        fc.property(fc.integer({ min: 1, max: bytes.length * 8 - 1 }), (bit) => {
          const flipped = Buffer.from(bytes);
          flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
          assert.notEqual(sourceTokenRefusal(flipped.toString('base64url'), check), undefined);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  },
});
