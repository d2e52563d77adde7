import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { buildDigest, digestReader } from '../../../src/gossamer/membership/digest.ts';
import { MAX_DIGEST_BYTES } from '../../../src/gossamer/wire/limits.ts';
import { testSeed } from '../../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 0xd16e57;

/** Salt u32 and hash count u8 precede the bit array. */
const HEADER = 5;
/** Room for any realistic membership: the sizing rule (8 bits per id) decides, not the cap. */
const ROOMY = MAX_DIGEST_BYTES;

const idArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 100_000 }).map((i) => `s${i}`) },
  { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 65535 })).map(([a, b, p]) => `10.0.${a}.${b}:${p}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 32 }) },
);
const idSetArb = (maxLength: number) => fc.uniqueArray(idArb, { maxLength });
const saltArb = fc.integer({ min: 0, max: 0xffffffff });
const bitsOf = (digest: Uint8Array): string => Buffer.from(digest.subarray(HEADER)).toString('hex');
const ids = (n: number, prefix = 's'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('buildDigest layout', () => {
  it('is salt (u32 big-endian), hash count, then 8 bits per id (at least one byte)', () => {
    const d = buildDigest(ids(100), ROOMY, 0xdeadbeef);
    assert.equal(d.length, HEADER + 100);
    assert.deepEqual(d.subarray(0, HEADER), Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 5]));
    assert.equal(buildDigest([], ROOMY, 1).length, HEADER + 1);
    assert.equal(buildDigest(['a'], ROOMY, 1).length, HEADER + 1);
    assert.equal(buildDigest(ids(3), ROOMY, 1).length, HEADER + 3);
  });

  it('is deterministic for the same ids and salt', () => {
    assert.deepEqual(buildDigest(ids(50), ROOMY, 42), buildDigest(ids(50), ROOMY, 42));
  });

  it('an empty membership contains nothing', () => {
    const has = digestReader(buildDigest([], ROOMY, 7));
    for (const id of ids(100)) assert.equal(has(id), false);
  });
});

describe('no false negatives', () => {
  it('every inserted id is reported present, at any size, salt and cap', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(idSetArb(300), saltArb, fc.integer({ min: HEADER + 1, max: ROOMY }), (set, salt, maxBytes) => {
        const digest = buildDigest(set, maxBytes, salt);
        if (digest.length === 0) {
          assert.ok((maxBytes - HEADER) * 8 < set.length * 4, `empty digest for ${set.length} ids in ${maxBytes} bytes`);
          return;
        }
        const has = digestReader(digest);
        for (const id of set) assert.ok(has(id), `${JSON.stringify(id)} missing (salt ${salt}, maxBytes ${maxBytes})`);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('is not sent at all when the membership would saturate the filter (under 4 bits per id)', () => {
    assert.deepEqual(buildDigest(ids(2000), 16, 3), new Uint8Array(0));
    const justFits = buildDigest(ids(2000), HEADER + 1000, 3); // 8000 bits: exactly 4 per id
    assert.equal(justFits.length, HEADER + 1000);
    const has = digestReader(justFits);
    for (const id of ids(2000)) assert.ok(has(id), id);
  });
});

describe('false positives', () => {
  it('stay below 5% for 100 ids at the default sizing (10,000 absent ids)', () => {
    const present = ids(100);
    for (const salt of [0, 1, 0x5ca7, 0xdeadbeef, 0xffffffff]) {
      const digest = buildDigest(present, ROOMY, salt);
      assert.equal(digest.length, HEADER + 100, '8 bits per id');
      const has = digestReader(digest);
      let positives = 0;
      for (let i = 0; i < 10_000; i++) if (has(`s${100 + i}`)) positives++;
      const rate = positives / 10_000;
      console.log(`digest.test: salt ${salt}: false-positive rate ${(rate * 100).toFixed(2)}%`);
      assert.ok(rate < 0.05, `false-positive rate ${rate} with salt ${salt}`);
    }
  });

  it('stay below 5% for address-like ids too', () => {
    const addr = (i: number): string => `10.0.${i >> 8}.${i & 0xff}:7000`;
    const has = digestReader(buildDigest(Array.from({ length: 100 }, (_, i) => addr(i)), ROOMY, 99));
    let positives = 0;
    for (let i = 0; i < 10_000; i++) if (has(addr(1000 + i))) positives++;
    assert.ok(positives / 10_000 < 0.05, `false-positive rate ${positives / 10_000}`);
  });
});

describe('maxBytes cap', () => {
  it('is honoured whatever the membership', () => {
    for (const n of [0, 1, 10, 100, 1000, 5000]) {
      for (const maxBytes of [6, 7, 64, 105, 1024, MAX_DIGEST_BYTES]) {
        const d = buildDigest(ids(n), maxBytes, n);
        assert.ok(d.length <= maxBytes, `${n} ids, maxBytes ${maxBytes}: ${d.length} bytes`);
        const bitBytes = Math.min(Math.max(1, n), maxBytes - HEADER);
        assert.equal(d.length, bitBytes * 8 < n * 4 ? 0 : HEADER + bitBytes);
      }
    }
  });

  it('gives an empty array when the header does not fit', () => {
    for (const maxBytes of [-1, 0, 1, HEADER - 1, HEADER]) {
      assert.deepEqual(buildDigest(ids(10), maxBytes, 1), new Uint8Array(0), `maxBytes ${maxBytes}`);
      assert.deepEqual(buildDigest([], maxBytes, 1), new Uint8Array(0), `maxBytes ${maxBytes}, no ids`);
    }
    assert.equal(buildDigest(ids(2), HEADER + 1, 1).length, HEADER + 1);
  });
});

describe('empty and malformed digests contain nothing', () => {
  const probes = [...ids(200), '', 'é€😀', '10.0.0.2:7000'];
  const assertEmpty = (digest: Uint8Array, what: string): void => {
    const has = digestReader(digest);
    for (const id of probes) assert.equal(has(id), false, `${what}: ${JSON.stringify(id)}`);
  };
  /** A header with `hashes` and a bit array of all ones: any well-formed reading says yes to everything. */
  const allOnes = (hashes: number, bitBytes = 8): Uint8Array => {
    const d = new Uint8Array(HEADER + bitBytes).fill(0xff);
    d[4] = hashes;
    return d;
  };

  it('no bytes, or a header without a bit array (length < 6)', () => {
    assertEmpty(new Uint8Array(0), 'empty');
    for (let len = 1; len <= HEADER; len++) assertEmpty(new Uint8Array(len).fill(0xff), `${len} bytes`);
    assertEmpty(allOnes(5).subarray(0, HEADER), 'header only');
  });

  it('hash count 0 or above 16', () => {
    for (const hashes of [0, 17, 32, 255]) assertEmpty(allOnes(hashes), `hash count ${hashes}`);
  });

  it('while hash counts 1..16 over the same bits are read', () => {
    for (const hashes of [1, 5, 16]) {
      const has = digestReader(allOnes(hashes, 1));
      for (const id of probes) assert.equal(has(id), true, `hash count ${hashes}: ${JSON.stringify(id)}`);
    }
  });

  it('never throws on arbitrary bytes', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), idArb, (digest, id) => {
        assert.equal(typeof digestReader(digest)(id), 'boolean');
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('salts', () => {
  it('different salts give different bit arrays', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(idSetArb(200).filter((s) => s.length >= 8), saltArb, saltArb, (set, a, b) => {
        fc.pre(a !== b);
        assert.notEqual(bitsOf(buildDigest(set, ROOMY, a)), bitsOf(buildDigest(set, ROOMY, b)), `salts ${a} and ${b}`);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('consecutive salts over the default sizing all differ', () => {
    const seen = new Set<string>();
    for (let salt = 0; salt < 200; salt++) seen.add(bitsOf(buildDigest(ids(100), ROOMY, salt)));
    assert.equal(seen.size, 200);
  });

  it('the salt is read back from the digest', () => {
    const present = ids(30);
    const d = buildDigest(present, ROOMY, 0x01020304);
    const moved = Uint8Array.from(d);
    moved[3] = 0x05; // same bits, another salt: the ids are looked up elsewhere
    const a = digestReader(d);
    const b = digestReader(moved);
    assert.ok(present.every(a));
    assert.ok(!present.every(b));
  });

  // FNV-1a alone carries differences only upwards: without the salt's avalanche, salts that differ in their high
  // bits gave the same positions whenever the bit array is a power of two long (64 ids: 512 bits).
  it('salts differing only in high bits, at a power-of-two size', () => {
    const set = ids(64);
    assert.notEqual(bitsOf(buildDigest(set, ROOMY, 0)), bitsOf(buildDigest(set, ROOMY, 0x80000000)));
    assert.notEqual(bitsOf(buildDigest(set, ROOMY, 0)), bitsOf(buildDigest(set, ROOMY, 0x01000000)));
  });
});
