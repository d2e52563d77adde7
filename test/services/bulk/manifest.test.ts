import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import type { JoinAnswer } from '../../../src/api/join-answer.ts';
import { buildManifest } from '../../../src/client/file-manifest.ts';
import { sendFile } from '../../../src/client/file-sender.ts';
import { WireCode } from '../../../src/core/decoded.ts';
import { ErrorCode, ScError } from '../../../src/core/errors.ts';
import {
  decodeManifest,
  MANIFEST_PART_BYTES,
  manifestParts,
  MAX_CHUNK_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_PARTS,
  plainFileName,
  signManifest,
  type Manifest,
} from '../../../src/services/bulk/manifest.ts';
import { rawPublicKey } from '../../../src/trust/credential.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, hex, textArb, unhex } from '../../support/wire.ts';

const SEED = fcSeed('manifest.test', 0xb0c6);

/** A fixed Ed25519 key (its seed is 32 bytes of 0x5c): Ed25519 signatures are deterministic, so the bytes are pinned. */
const KEY = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 0x5c)]), format: 'der', type: 'pkcs8' });
const PK = 'ed6a47a39da869b5446155e40b2d93f1e3f0167be26732bae7a3ef9d8e3a3fd3';

const encode = (m: Manifest): Uint8Array => signManifest(m, KEY);

/** `hello` in chunks of 4 bytes, named `f.bin`: its fields, then its bytes. */
const SHA = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const HASHES = '0ebdc3317b75839f643387d783535adc360ca01f33c75f7c1e7373adcd675c0b 65c74c15a686187bb6bbf9958f494fc6b80068034a659a9ad44991b08c58f2d2';
const SIG = 'c21a01127242f7d55ac99c7b67d74b046c3fc680c0034c5151ad99afd74fb22da9e1e6b896f052db3cd5185fb745cc67189d1ad0892cad528948a9f59630170d';
const HELLO = `01 05 00000004 ${SHA} 05 662e62696e 00000002 ${HASHES} ${PK} ${SIG}`;
/** The same with `field` (a slice of HELLO's hex without spaces, `[from, to)` in bytes) replaced. */
const helloWith = (from: number, to: number, by: string): string => {
  const h = HELLO.replace(/\s+/g, '');
  return `${h.slice(0, from * 2)} ${by} ${h.slice(to * 2)}`;
};

/** An empty file named `é` at the largest chunk size. */
const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_SIG = 'fcd0fd77f8a7272ed6a1b10dc0774176171967603573044c5e33a4f539fad12f9bf15ab05aa8be40f44f699621fbdd3b869f8093e71b1bd280c2422328f60209';

const GOLDEN: [string, Manifest, string][] = [
  [
    'hello, 2 chunks of 4',
    { name: 'f.bin', size: 5, chunkSize: 4, sha256: unhex(SHA), chunkHashes: unhex(HASHES), publicKey: unhex(PK), signature: unhex(SIG) },
    HELLO,
  ],
  [
    'an empty file',
    { name: 'é', size: 0, chunkSize: MAX_CHUNK_BYTES, sha256: unhex(EMPTY_SHA), chunkHashes: new Uint8Array(0), publicKey: unhex(PK), signature: unhex(EMPTY_SIG) },
    `01 00 00010000 ${EMPTY_SHA} 02 c3a9 00000000 ${PK} ${EMPTY_SIG}`,
  ],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['version 2', helloWith(0, 1, '02'), WireCode.VERSION],
  ['a size not in its minimal form', helloWith(1, 2, '8500'), WireCode.NONCANONICAL],
  ['chunk size 0', helloWith(2, 6, '00000000'), WireCode.RANGE],
  [`chunk size ${MAX_CHUNK_BYTES + 1}`, helloWith(2, 6, '00010001'), WireCode.RANGE],
  ['an empty name', helloWith(38, 44, '00'), WireCode.RANGE],
  ['the name ..', helloWith(38, 44, '02 2e2e'), WireCode.RANGE],
  ['the name a/b', helloWith(38, 44, '03 612f62'), WireCode.RANGE],
  ['a name that is not UTF-8', helloWith(38, 44, '01 ff'), WireCode.UTF8],
  ['a chunk count that is not the size over the chunk size', helloWith(44, 48, '00000003'), WireCode.RANGE],
  ['2^32-1 chunks announced, two there', `01 ffffffff0f 00000001 ${SHA} 01 41 ffffffff ${HASHES} ${PK} ${SIG}`, WireCode.TRUNCATED],
  ['a changed signature', helloWith(176, 177, 'c3'), WireCode.RANGE],
  ['a changed chunk hash (signed)', helloWith(48, 49, '0f'), WireCode.RANGE],
  ['another key', helloWith(112, 144, '11'.repeat(32)), WireCode.RANGE],
  ['a byte after the signature', `${HELLO} 00`, WireCode.TRAILING],
];

const contentArb = fc
  .record(
    {
      name: textArb(1, 60).filter(plainFileName),
      count: fc.integer({ min: 0, max: 40 }),
      chunkSize: fc.integer({ min: 1, max: MAX_CHUNK_BYTES }),
      lastBytes: fc.nat(),
      fill: fc.integer({ min: 0, max: 255 }),
    },
    { noNullPrototype: true },
  )
  .map(({ name, count, chunkSize, lastBytes, fill }) => ({
    name,
    chunkSize,
    size: count === 0 ? 0 : (count - 1) * chunkSize + 1 + (lastBytes % chunkSize),
    sha256: new Uint8Array(32).fill(fill ^ 0xff),
    chunkHashes: new Uint8Array(count * 32).fill(fill),
  }));
const manifestArb: fc.Arbitrary<Manifest> = contentArb.map((c) => decodedValue(decodeManifest(signManifest(c, KEY))));

/** Zero chunk hashes for `count` chunks of one byte, named f.bin. */
const ofChunks = (count: number) => ({ name: 'f.bin', size: count, chunkSize: 1, sha256: new Uint8Array(32), chunkHashes: new Uint8Array(count * 32) });

/** Asserts that `fn` throws the ScError ERR_FILE_TOO_LARGE naming the limit. */
const assertTooLarge = (err: unknown): true => {
  assert.ok(err instanceof ScError, String(err));
  assert.equal(err.code, ErrorCode.FILE_TOO_LARGE);
  assert.match(err.message, new RegExp(`limit of ${MAX_MANIFEST_BYTES} \\(${MAX_MANIFEST_PARTS} parts\\)`));
  assert.doesNotMatch(err.message, /\n/);
  return true;
};

describeWireFormat('the bulk manifest', {
  decode: decodeManifest,
  encode,
  golden: GOLDEN,
  malformed: MALFORMED,
  trailing: true,
  arbitrary: manifestArb,
  seed: SEED,
  numRuns: { roundTrip: 200, garbled: 1000 },
  value: 'manifest',
  packets: 'manifests',
  check: (_, bytes) => assert.equal(hex(bytes.subarray(bytes.length - 96, bytes.length - 64)), PK),
  extra: () => {
    it(`signs a manifest of ${MAX_MANIFEST_PARTS} parts at most, else ERR_FILE_TOO_LARGE naming the limit`, () => {
      // 146 bytes besides the hashes (a 3-byte size, a 5-byte name): 119,995 chunks fit 3,840,000 bytes, 119,996 do not.
      const largest = signManifest(ofChunks(119_995), KEY);
      assert.equal(largest.length, 146 + 119_995 * 32);
      assert.equal(manifestParts(largest).length, MAX_MANIFEST_PARTS);
      assert.equal(decodedValue(decodeManifest(largest)).size, 119_995);
      assert.throws(() => signManifest(ofChunks(119_996), KEY), assertTooLarge);
      assert.throws(() => signManifest({ ...ofChunks(1), size: NaN }, KEY), RangeError, 'a size that is no number is a bug');
    });

    it('cuts a manifest into parts of MANIFEST_PART_BYTES, refusing one past the limit; decoding refuses it as oversize', () => {
      assert.deepEqual(manifestParts(new Uint8Array(MAX_MANIFEST_BYTES)).map((p) => p.length), Array<number>(MAX_MANIFEST_PARTS).fill(MANIFEST_PART_BYTES));
      assert.throws(() => manifestParts(new Uint8Array(MAX_MANIFEST_BYTES + 1)), assertTooLarge);
      assertRefused(decodeManifest(new Uint8Array(MAX_MANIFEST_BYTES + 1)), WireCode.OVERSIZE);
      assertRefused(decodeManifest(null as unknown as Uint8Array), WireCode.NOT_BYTES);
      assert.equal(hex(rawPublicKey(KEY)), PK);
    });

    it('send --file: a file too large fails before it is read (buildManifest) or attached (sendFile), one line naming the limit', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sc-manifest-'));
      try {
        const path = join(dir, 'big.bin');
        const fh = await open(path, 'w');
        await fh.truncate(119_996 * MAX_CHUNK_BYTES); // sparse: 7.3 GiB, never read
        await fh.close();
        await assert.rejects(buildManifest(path, KEY), assertTooLarge);
        const manifest = { bytes: new Uint8Array(MAX_MANIFEST_BYTES + 1), fileId: new Uint8Array(32) };
        await assert.rejects(sendFile({} as JoinAnswer, 1, path, manifest), assertTooLarge);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  },
});
