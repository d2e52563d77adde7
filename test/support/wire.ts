/** Shared checks of the wire-format tests: hex fixtures, refusals with exact codes, seeded fast-check runs. */

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WireCode, type Decoded } from '../../src/core/decoded.ts';
import { envSeed } from './seed.ts';

/** Lower-case hex of `bytes`. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The bytes of a hex fixture; spaces are for reading only. */
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/**
 * A test file's fast-check seed: SC_SEED (or FC_SEED) when set, else `fallback` (seed.ts's envSeed); printed so that
 * a run can be replayed. Within a test, testSeed(t, fallback) says it as the test's own diagnostic.
 */
export function fcSeed(file: string, fallback: number): number {
  const seed = envSeed(fallback);
  console.log(`${file}: seed ${seed} (replay with SC_SEED=${seed})`);
  return seed;
}

/** The decoded value; fails the test on a refusal. */
export function decodedValue<T>(d: Decoded<T>): T {
  if (!d.ok) assert.fail(`expected a value, got ${d.code}: ${d.reason}`);
  return d.value;
}

/** Asserts a refusal with exactly `code` and a reason (matching `reason` when given). */
export function assertRefused(d: Decoded<unknown>, code: string, reason?: RegExp): void {
  assert.equal(d.ok, false, 'expected a refusal');
  if (d.ok) return;
  assert.equal(d.code, code, d.reason);
  assert.ok(d.reason.length > 0);
  if (reason) assert.match(d.reason, reason);
}

/** Asserts that every prefix of `bytes` shorter than `upTo` (default: all of them) is refused as truncated. */
export function assertPrefixesTruncated(decode: (b: Uint8Array) => Decoded<unknown>, bytes: Uint8Array, upTo = bytes.length): void {
  for (let n = 0; n < upTo; n++) assertRefused(decode(bytes.subarray(0, n)), WireCode.TRUNCATED);
}

/** Decoding `bytes` returns and never throws: a value that re-encodes to exactly `bytes`, or a coded refusal. */
export function assertTotal<T>(decode: (b: Uint8Array) => Decoded<T>, encode: (v: T) => Uint8Array, bytes: Uint8Array): void {
  let d: Decoded<T>;
  try {
    d = decode(bytes);
  } catch (err) {
    assert.fail(`decode threw on ${hex(bytes)}: ${String(err)}`);
  }
  if (d.ok) assert.equal(hex(encode(d.value)), hex(bytes), 'a decoded value must re-encode to its bytes');
  else assert.ok((Object.values(WireCode) as string[]).includes(d.code) && d.reason.length > 0, `${d.code}: ${d.reason}`);
}

/** Text of `minLength..maxLength` code points, ASCII and not, no lone surrogates (at most 63 fit 255 UTF-8 bytes). */
export function textArb(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const codePoint = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
  );
  return fc.array(codePoint, { minLength, maxLength }).map((cps) => String.fromCodePoint(...cps));
}

/** Arbitrary bytes, and fixtures garbled by byte flips, insertions and deletions. */
export function garbledArb(fixtures: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 }));
  const garbled = fc.tuple(fc.constantFrom(...fixtures), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([bytes, edits]) => {
    const out = Array.from(bytes);
    for (const [kind, at, byte] of edits) {
      const i = at % (out.length + 1);
      if (kind === 'insert') out.splice(i, 0, byte);
      else if (i < out.length) {
        if (kind === 'flip') out[i] = byte;
        else out.splice(i, 1);
      }
    }
    return Uint8Array.from(out);
  });
  return fc.oneof(fc.uint8Array({ maxLength: 64 }), garbled);
}
