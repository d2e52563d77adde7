/** Shared checks of the wire-format tests: hex fixtures, refusals with exact codes, seeded fast-check runs. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  return fc.oneof(fc.uint8Array({ maxLength: 64 }), garbled(fc.constantFrom(...fixtures)));
}

/** What `source` draws, garbled by one to four byte flips, insertions and deletions. */
export function garbled(source: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 }));
  return fc.tuple(source, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([bytes, edits]) => {
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
}

/** A golden case: a value and its pinned hex, titled by the spec's `title` (default: the hex), or a titled one. */
export type GoldenCase<T> = readonly [value: T, hex: string] | readonly [title: string, value: T, hex: string];

/** A malformed case: its title, its hex, the exact code it is refused with and, when given, a pattern of the reason. */
export type MalformedCase = readonly [title: string, hex: string, code: string, reason?: RegExp];

/** What describeWireFormat needs to know of a format. */
export interface WireFormatSpec<T> {
  decode: (bytes: Uint8Array) => Decoded<T>;
  encode: (value: T) => Uint8Array;
  /** Pinned encodings, checked both ways; also the fixtures of the prefix and garbling tests. */
  golden: readonly GoldenCase<T>[];
  /** Title of an untitled golden case (default: its hex as written). */
  title?: (value: T, hex: string) => string;
  /** Inputs refused, each with its exact code. */
  malformed: readonly MalformedCase[];
  /** Further assertions on every encoding that the golden and round-trip tests make. */
  check?: (value: T, bytes: Uint8Array) => void;
  /**
   * Which prefixes of each golden encoding are truncated: all of them (default), or only those shorter than
   * `upTo(value, bytes)` where the rest of a message runs to its end; `title` says which when not all.
   */
  prefixes?: { upTo: (value: T, bytes: Uint8Array) => number; title: string };
  /** Also asserts that a golden encoding with one byte more is refused as trailing. */
  trailing?: boolean;
  /** Any well-formed value, for the round trip. */
  arbitrary: fc.Arbitrary<T>;
  /** The fast-check seed of both property tests (a file's fcSeed). */
  seed: number;
  /** Runs of the round trip and of the garbling test (default 500 and 2000). */
  numRuns?: { roundTrip?: number; garbled?: number };
  /** What the tests call a value and an input: `round-trips any ${value}`, `malformed ${packets}` (default 'value', 'packets'). */
  value?: string;
  packets?: string;
  /** The format's own tests, run after the standard ones inside the same describe. */
  extra?: () => void;
}

/**
 * The standard tests of a wire format, in a describe named `name`: every golden case encodes to its bytes and decodes
 * back to its value; every malformed case is refused with its code; every strict prefix of a golden encoding (or each
 * one shorter than `prefixes.upTo`) is truncated; any value round-trips byte for byte; garbled bytes never make the
 * decoder throw. Then the format's `extra` tests.
 */
export function describeWireFormat<T>(name: string, spec: WireFormatSpec<T>): void {
  const { decode, encode, seed, value = 'value', packets = 'packets' } = spec;
  const golden = spec.golden.map((c): [string, T, string] => (c.length === 3 ? [c[0], c[1], c[2]] : [spec.title?.(c[0], c[1]) ?? c[1], c[0], c[1]]));

  describe(name, () => {
    describe('golden bytes', () => {
      for (const [title, v, bytes] of golden) {
        it(title, () => {
          const encoded = encode(v);
          assert.equal(hex(encoded), bytes.replace(/\s+/g, ''));
          spec.check?.(v, encoded);
          assert.deepEqual(decodedValue(decode(unhex(bytes))), v);
        });
      }
    });

    describe(`malformed ${packets} are refused with their code`, () => {
      for (const [title, bytes, code, reason] of spec.malformed) it(title, () => assertRefused(decode(unhex(bytes)), code, reason));

      const cuts = spec.prefixes?.title ?? `every strict prefix is truncated${spec.trailing ? ', every extra byte trailing' : ''}`;
      it(cuts, () => {
        for (const [, v, bytes] of golden) {
          const full = unhex(bytes);
          assertPrefixesTruncated(decode, full, spec.prefixes?.upTo(v, full));
          if (spec.trailing) assertRefused(decode(unhex(`${bytes} 00`)), WireCode.TRAILING);
        }
      });
    });

    it(`round-trips any ${value}, byte for byte (fast-check seed ${seed})`, () => {
      fc.assert(
        fc.property(spec.arbitrary, (v) => {
          const bytes = encode(v);
          spec.check?.(v, bytes);
          const back = decodedValue(decode(bytes));
          assert.deepEqual(back, v);
          assert.equal(hex(encode(back)), hex(bytes));
        }),
        { seed, numRuns: spec.numRuns?.roundTrip ?? 500 },
      );
    });

    it(`never throws on garbled ${packets} (fast-check seed ${seed})`, () => {
      fc.assert(
        fc.property(garbledArb(golden.map(([, , b]) => unhex(b))), (bytes) => assertTotal(decode, encode, bytes)),
        { seed, numRuns: spec.numRuns?.garbled ?? 2000 },
      );
    });

    spec.extra?.();
  });
}
