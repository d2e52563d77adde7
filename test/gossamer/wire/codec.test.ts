import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ByteWriter } from '../../../src/core/bytes.ts';
import { WireCode, type Decoded } from '../../../src/core/decoded.ts';
import { ErrorCode, ScError } from '../../../src/core/errors.ts';
import { buildDigest } from '../../../src/gossamer/membership/digest.ts';
import { decodeMessage, encodeMessage, WIRE_VERSION } from '../../../src/gossamer/wire/codec.ts';
import {
  MAX_ALTERNATIVES,
  MAX_DIGEST_BYTES,
  MAX_KNOWN_ENTRIES,
  MAX_MESSAGE_BYTES,
  MAX_PATH_LENGTH,
  MAX_ROUTES_PER_MESSAGE,
  MAX_SCX_ID_BYTES,
  MAX_WITHDRAWN_PER_MESSAGE,
} from '../../../src/gossamer/wire/limits.ts';
import { ConnectIntent, MessageType, type Message, type RouteAdvert } from '../../../src/gossamer/wire/messages.ts';
import { messageArb as messageArbOf, record } from '../../support/gossamer-arbitraries.ts';
import { testSeed } from '../../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 0x5ca7;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function decodeOk(bytes: Uint8Array): Message {
  const result = decodeMessage(bytes);
  if (!result.ok) assert.fail(`expected a message, got ${result.code}: ${result.reason}`);
  return result.value;
}

function assertRejected(result: Decoded<Message>, code: string, reason?: RegExp): void {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return;
  assert.equal(result.code, code, result.reason);
  if (reason) assert.match(result.reason, reason);
}

function assertMisuse(fn: () => unknown, code: string, reason?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ScError, `expected an ScError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (reason) assert.match(err.message, reason);
    return true;
  });
}

/** Builds raw bytes by hand, for inputs the encoder refuses to produce. */
function raw(fill: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  fill(w);
  return w.finish();
}

const route = (source: string, costMs: number, path: string[]): RouteAdvert => ({ source, costMs, path });

/** No digest: what a sender with digests turned off puts on the wire (a single 00 length byte). */
const NO_DIGEST = new Uint8Array(0);

/** One sample of every message type, with its pinned encoding. */
const GOLDEN: [Message, string][] = [
  [{ type: MessageType.DISCOVERY, known: ['a', 'bc'], digest: NO_DIGEST }, '01 01 02 0161 026263 00'],
  [{ type: MessageType.DISCOVERY, known: [], digest: Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x05, 0x81]) }, '01 01 00 06 deadbeef0581'],
  [{ type: MessageType.DISCOVERY_RESPONSE, known: [] }, '01 02 00'],
  [{ type: MessageType.REQUEST_STATUS, nonce: 1 }, '01 03 00000001'],
  [
    { type: MessageType.STATUS, nonce: 0xdeadbeef, canAccept: true, canEvict: false, routes: [route('b', 2, ['a', 'b'])] },
    '01 04 deadbeef 01 00 01 0162 4000000000000000 02 0161 0162',
  ],
  [{ type: MessageType.CONNECT, intent: ConnectIntent.OPTIMISE }, '01 05 01'],
  [{ type: MessageType.CONNECT_ACK, accepted: false, alternatives: ['n1'] }, '01 06 00 01 026e31'],
  [{ type: MessageType.DISCONNECT }, '01 07'],
  [{ type: MessageType.ROUTE_UPDATE, full: true, routes: [], withdrawn: ['z'] }, '01 08 01 00 01 017a'],
  [{ type: MessageType.LEAVE, scx: 'x', timestampMs: 1.5, origin: 'y' }, '01 09 0178 3ff8000000000000 0179'],
  [{ type: MessageType.HEARTBEAT, generator: 's17', seq: 258 }, '01 0a 03733137 00000102'],
  [{ type: MessageType.KEEPALIVE }, '01 0b'],
  [{ type: MessageType.PING, nonce: 0xffffffff }, '01 0c ffffffff'],
  [{ type: MessageType.PONG, nonce: 7 }, '01 0d 00000007'],
];

/** Richer samples: non-ASCII ids, limits reached, awkward numbers. */
const SAMPLES: Message[] = [
  ...GOLDEN.map(([m]) => m),
  { type: MessageType.DISCOVERY, known: ['10.0.0.2:7000', 'é€😀', '\uFEFFbom', 'm'.repeat(MAX_SCX_ID_BYTES)], digest: NO_DIGEST },
  { type: MessageType.DISCOVERY, known: ['s1'], digest: buildDigest(['s1', 's2', 's3'], 1024, 0x5ca7) },
  // A digest of 128 bytes: its length takes a two-byte varuint.
  { type: MessageType.DISCOVERY, known: [], digest: buildDigest(Array.from({ length: 123 }, (_, i) => `s${i}`), 1024, 1) },
  { type: MessageType.DISCOVERY, known: ['a'], digest: new Uint8Array(MAX_DIGEST_BYTES).fill(0xa5) },
  {
    type: MessageType.STATUS,
    nonce: 0,
    canAccept: false,
    canEvict: true,
    routes: [route('s1', 0, ['s1']), route('s2', 12.345678901234567, ['s0', 's3', 's2']), route('s4', Number.MAX_VALUE, [])],
  },
  { type: MessageType.CONNECT, intent: ConnectIntent.HEAL },
  { type: MessageType.CONNECT_ACK, accepted: true, alternatives: [] },
  {
    type: MessageType.CONNECT_ACK,
    accepted: false,
    alternatives: Array.from({ length: MAX_ALTERNATIVES }, (_, i) => `alt${i}`),
  },
  {
    type: MessageType.ROUTE_UPDATE,
    full: false,
    routes: [route('far', 5e-324, Array.from({ length: MAX_PATH_LENGTH }, (_, i) => `h${i}`))],
    withdrawn: ['gone', 'also-gone'],
  },
  { type: MessageType.LEAVE, scx: 'dead', timestampMs: 1_700_000_000_123.25, origin: 'nbr' },
  { type: MessageType.LEAVE, scx: 'a', timestampMs: 0, origin: 'a' },
  { type: MessageType.HEARTBEAT, generator: 'ü'.repeat(127), seq: 0xffffffff },
];

describe('golden bytes', () => {
  for (const [message, bytes] of GOLDEN) {
    it(`type ${message.type} encodes to ${bytes}`, () => {
      assert.equal(hex(encodeMessage(message)), bytes.replace(/\s+/g, ''));
      assert.deepEqual(decodeOk(unhex(bytes)), message);
    });
  }
});

describe('round trip', () => {
  it('covers every message type', () => {
    const covered = new Set(GOLDEN.map(([m]) => m.type));
    assert.deepEqual([...covered].sort((a, b) => a - b), Object.values(MessageType).sort((a, b) => a - b));
  });

  it('decodes every sample to itself and re-encodes to the same bytes', () => {
    for (const message of SAMPLES) {
      const bytes = encodeMessage(message);
      assert.equal(bytes[0], WIRE_VERSION);
      assert.equal(bytes[1], message.type);
      const decoded = decodeOk(bytes);
      assert.deepEqual(decoded, message);
      assert.deepEqual(encodeMessage(decoded), bytes);
    }
  });

  it('hands out independent buffers', () => {
    const a = encodeMessage({ type: MessageType.PING, nonce: 1 });
    const b = encodeMessage({ type: MessageType.PING, nonce: 2 });
    assert.equal(hex(a), '010c00000001');
    assert.equal(hex(b), '010c00000002');
  });

  it('keeps -0 as -0 (not negative, so accepted)', () => {
    const decoded = decodeOk(encodeMessage({ type: MessageType.LEAVE, scx: 'a', timestampMs: -0, origin: 'b' }));
    assert.ok(decoded.type === MessageType.LEAVE && Object.is(decoded.timestampMs, -0));
  });

  it('decodes a view into a larger buffer (Buffer pool, byteOffset)', () => {
    const bytes = encodeMessage(SAMPLES[SAMPLES.length - 1]!);
    const backing = new Uint8Array(bytes.length + 10).fill(0xee);
    backing.set(bytes, 5);
    assert.deepEqual(decodeOk(backing.subarray(5, 5 + bytes.length)), SAMPLES[SAMPLES.length - 1]);
    assert.deepEqual(decodeOk(Buffer.from(bytes)), SAMPLES[SAMPLES.length - 1]);
  });

  it('accepts exactly MAX_MESSAGE_BYTES', () => {
    // 1020 ids of 63 bytes, 3 of 62 and 1 of 61, no digest:
    // 2 header + 2 count + 1020 × 64 + 3 × 63 + 62 + 1 digest length = 65536.
    const known = [
      ...Array.from({ length: 1020 }, (_, i) => i.toString().padStart(63, 'k')),
      ...Array.from({ length: 3 }, (_, i) => i.toString().padStart(62, 'k')),
      'k'.repeat(61),
    ];
    const bytes = encodeMessage({ type: MessageType.DISCOVERY, known, digest: NO_DIGEST });
    assert.equal(bytes.length, MAX_MESSAGE_BYTES);
    assert.equal(known.length, MAX_KNOWN_ENTRIES);
    assert.deepEqual(decodeOk(bytes), { type: MessageType.DISCOVERY, known, digest: NO_DIGEST });
    known[0] += 'k';
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known, digest: NO_DIGEST }), ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('accepts exactly MAX_MESSAGE_BYTES with a full digest', () => {
    // 2 header + 2 count + 960 × 64 + 2 digest length + 4096 digest = 65542: drop 6 bytes from the last id.
    const known = Array.from({ length: 960 }, (_, i) => i.toString().padStart(63, 'k'));
    known[959] = 'k'.repeat(57);
    const digest = new Uint8Array(MAX_DIGEST_BYTES).fill(0xff);
    const bytes = encodeMessage({ type: MessageType.DISCOVERY, known, digest });
    assert.equal(bytes.length, MAX_MESSAGE_BYTES);
    assert.deepEqual(decodeOk(bytes), { type: MessageType.DISCOVERY, known, digest });
    known[959] += 'k';
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known, digest }), ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('accepts MAX_ROUTES_PER_MESSAGE routes when they fit', () => {
    const routes = Array.from({ length: MAX_ROUTES_PER_MESSAGE }, (_, i) => route(String.fromCharCode(33 + (i % 90)), i, []));
    const message: Message = { type: MessageType.STATUS, nonce: 9, canAccept: true, canEvict: false, routes };
    assert.deepEqual(decodeOk(encodeMessage(message)), message);
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* Arbitraries                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 16 }) },
  // At most 63 code points of at most 4 UTF-8 bytes each: within MAX_SCX_ID_BYTES.
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 63 }) },
  { weight: 1, arbitrary: fc.constant('m'.repeat(MAX_SCX_ID_BYTES)) },
);
const messageArb = messageArbOf(idArb);

type Edit = { kind: 'flip'; at: number; xor: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'delete'; at: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function garble(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  const out = Array.from(bytes);
  for (const edit of edits) {
    if (edit.kind === 'insert') {
      out.splice(edit.at % (out.length + 1), 0, edit.byte);
    } else if (out.length > 0) {
      const at = edit.at % out.length;
      if (edit.kind === 'flip') out[at] = out[at]! ^ edit.xor;
      else out.splice(at, 1);
    }
  }
  return Uint8Array.from(out);
}

const CODES: readonly string[] = Object.values(WireCode);

/** Whatever the input, decoding returns: a message that re-encodes to the input, or a coded refusal. */
function checkDecodeOf(bytes: Uint8Array): void {
  let result: Decoded<Message>;
  try {
    result = decodeMessage(bytes);
  } catch (err) {
    assert.fail(`decodeMessage threw on ${hex(bytes)}: ${String(err)}`);
  }
  if (result.ok) {
    assert.equal(hex(encodeMessage(result.value)), hex(bytes), 'a decoded message must re-encode to its bytes');
  } else {
    assert.ok(CODES.includes(result.code), result.code);
    assert.equal(typeof result.reason, 'string');
    assert.ok(result.reason.length > 0);
  }
}

describe('properties', () => {
  it('round trips arbitrary well-formed messages', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(messageArb, (message) => {
        const bytes = encodeMessage(message);
        const decoded = decodeOk(bytes);
        assert.deepEqual(decoded, message);
        assert.deepEqual(encodeMessage(decoded), bytes);
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('rejects every strict prefix of arbitrary messages as truncated', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(messageArb, (message) => {
        const bytes = encodeMessage(message);
        for (let i = 0; i < bytes.length; i++) assertRejected(decodeMessage(bytes.subarray(0, i)), WireCode.TRUNCATED);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('never throws on garbled messages (flips, insertions, deletions)', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(messageArb, fc.array(editArb, { minLength: 1, maxLength: 6 }), (message, edits) => {
        checkDecodeOf(garble(encodeMessage(message), edits));
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('never throws on arbitrary bytes behind a valid header', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.uint8Array({ maxLength: 64 }), (type, body) => {
        checkDecodeOf(Uint8Array.from([WIRE_VERSION, type, ...body]));
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe('strict prefixes', () => {
  it('rejects every strict prefix of every sample as truncated', () => {
    for (const message of SAMPLES) {
      const bytes = encodeMessage(message);
      for (let i = 0; i < bytes.length; i++) {
        assertRejected(decodeMessage(bytes.subarray(0, i)), WireCode.TRUNCATED);
      }
    }
  });
});

describe('decode rejections', () => {
  const { TRUNCATED, TRAILING, OVERSIZE, VERSION, UNKNOWN_TYPE, RANGE, UTF8, NONCANONICAL } = WireCode;

  it('wrong version', () => {
    assertRejected(decodeMessage(unhex('02 0b')), VERSION, /wire version 2, expected 1/);
    assertRejected(decodeMessage(unhex('00 0b')), VERSION);
    assertRejected(decodeMessage(unhex('ff')), VERSION);
  });

  it('unknown type', () => {
    for (const type of [0, 14, 255]) {
      assertRejected(decodeMessage(Uint8Array.from([1, type])), UNKNOWN_TYPE, new RegExp(`unknown message type ${type}`));
    }
  });

  it('empty input', () => {
    assertRejected(decodeMessage(new Uint8Array(0)), TRUNCATED, /empty/);
  });

  it('trailing bytes', () => {
    assertRejected(decodeMessage(unhex('01 0b 00')), TRAILING, /1 trailing bytes/);
    assertRejected(decodeMessage(unhex('01 0d 00000007 ffff')), TRAILING, /2 trailing bytes/);
    // After a HEARTBEAT (or a LEAVE, STATUS, ROUTE_UPDATE) more bytes are an origin proof: see origin-proof.test.ts.
    assertRejected(decodeMessage(unhex('01 0a 03733137 00000102 ffff')), TRUNCATED, /varuint at offset 10/);
  });

  it('oversize input, before anything else', () => {
    assertRejected(decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1)), OVERSIZE, /65537 bytes/);
    const big = new Uint8Array(MAX_MESSAGE_BYTES + 1);
    big[0] = WIRE_VERSION;
    big[1] = MessageType.KEEPALIVE;
    assertRejected(decodeMessage(big), OVERSIZE);
  });

  it('lists past their limits', () => {
    const idList = (n: number) => (w: ByteWriter) => {
      w.varuint(n);
      for (let i = 0; i < n; i++) w.string('a');
    };
    const known = (n: number) => raw((w) => { w.u8(1); w.u8(MessageType.DISCOVERY); idList(n)(w); w.varuint(0); });
    assert.equal(decodeOk(known(MAX_KNOWN_ENTRIES)).type, MessageType.DISCOVERY);
    assertRejected(decodeMessage(known(MAX_KNOWN_ENTRIES + 1)), OVERSIZE, /known at offset 2: 1025 entries exceed limit 1024/);

    const ack = (n: number) => raw((w) => { w.u8(1); w.u8(MessageType.CONNECT_ACK); w.bool(false); idList(n)(w); });
    assert.equal(decodeOk(ack(MAX_ALTERNATIVES)).type, MessageType.CONNECT_ACK);
    assertRejected(decodeMessage(ack(MAX_ALTERNATIVES + 1)), OVERSIZE, /alternatives .*17 entries exceed limit 16/);

    const path = (n: number) =>
      raw((w) => { w.u8(1); w.u8(MessageType.STATUS); w.u32(0); w.bool(true); w.bool(false); w.varuint(1); w.string('s'); w.f64(1); idList(n)(w); });
    assert.equal(decodeOk(path(MAX_PATH_LENGTH)).type, MessageType.STATUS);
    assertRejected(decodeMessage(path(MAX_PATH_LENGTH + 1)), OVERSIZE, /route path .*257 entries exceed limit 256/);

    const routes = (n: number) =>
      raw((w) => {
        w.u8(1);
        w.u8(MessageType.ROUTE_UPDATE);
        w.bool(false);
        w.varuint(n);
        for (let i = 0; i < n; i++) { w.string('s'); w.f64(1); w.varuint(0); }
        w.varuint(0);
      });
    assert.equal(decodeOk(routes(MAX_ROUTES_PER_MESSAGE)).type, MessageType.ROUTE_UPDATE);
    assertRejected(decodeMessage(routes(MAX_ROUTES_PER_MESSAGE + 1)), OVERSIZE, /routes .*4097 entries exceed limit 4096/);

    const withdrawn = raw((w) => { w.u8(1); w.u8(MessageType.ROUTE_UPDATE); w.bool(false); w.varuint(0); idList(MAX_WITHDRAWN_PER_MESSAGE + 1)(w); });
    assertRejected(decodeMessage(withdrawn), OVERSIZE, /withdrawn .*exceed limit/);
  });

  it('digests: past the limit, truncated, missing', () => {
    const discovery = (len: number, actual = len) =>
      raw((w) => { w.u8(1); w.u8(MessageType.DISCOVERY); w.varuint(1); w.string('a'); w.varuint(len); for (let i = 0; i < actual; i++) w.u8(i & 0xff); });
    const full = decodeOk(discovery(MAX_DIGEST_BYTES));
    assert.ok(full.type === MessageType.DISCOVERY && full.digest.length === MAX_DIGEST_BYTES);
    assertRejected(decodeMessage(discovery(MAX_DIGEST_BYTES + 1)), OVERSIZE, /digest at offset 5: 4097 bytes exceed limit 4096/);
    // The length is checked before the bytes are looked for: a lone huge length is refused as over the limit.
    assertRejected(decodeMessage(unhex('01 01 00 ffffffffffffff0f')), OVERSIZE, /digest .*exceed limit 4096/);
    assertRejected(decodeMessage(discovery(10, 9)), TRUNCATED, /truncated: digest .*needs 10 bytes, 9 left/);
    assertRejected(decodeMessage(discovery(MAX_DIGEST_BYTES, 0)), TRUNCATED, /truncated: digest/);
    assertRejected(decodeMessage(unhex('01 01 01 0161')), TRUNCATED, /truncated: varuint/); // no digest length at all
    assertRejected(decodeMessage(unhex('01 01 00 02 0102 03')), TRAILING, /1 trailing bytes/);
    assertRejected(decodeMessage(unhex('01 01 00 8000')), NONCANONICAL, /not minimally encoded/);
  });

  it('a huge count with no entries behind it, without allocating for it', () => {
    assertRejected(decodeMessage(unhex('01 01 ff07')), TRUNCATED, /truncated: known .*1023 entries/);
    assertRejected(decodeMessage(unhex('01 01 ffffffffffffff0f')), OVERSIZE, /exceed limit/);
  });

  it('ids: empty, too long, invalid UTF-8', () => {
    assertRejected(decodeMessage(unhex('01 0a 00 00000001')), RANGE, /generator at offset 2 is empty/);
    const long = raw((w) => { w.u8(1); w.u8(MessageType.HEARTBEAT); w.string('x'.repeat(256)); w.u32(1); });
    assertRejected(decodeMessage(long), OVERSIZE, /generator .*256 bytes exceed limit 255/);
    assertRejected(decodeMessage(unhex('01 0a 01ff 00000001')), UTF8, /generator .*invalid UTF-8/);
    assertRejected(decodeMessage(unhex('01 0a 02c080 00000001')), UTF8, /invalid UTF-8/); // overlong NUL
    assertRejected(decodeMessage(unhex('01 0a 03eda080 00000001')), UTF8, /invalid UTF-8/); // surrogate
    assertRejected(decodeMessage(unhex('01 01 01 0261ff')), UTF8, /known .*invalid UTF-8/);
  });

  it('costs and timestamps: NaN, infinite, negative', () => {
    const status = (cost: string) => unhex(`01 04 00000000 01 00 01 0162 ${cost} 01 0162`);
    assert.equal(decodeOk(status('4000000000000000')).type, MessageType.STATUS);
    assertRejected(decodeMessage(status('7ff8000000000000')), RANGE, /route cost .*NaN/);
    assertRejected(decodeMessage(status('fff8000000000001')), RANGE, /NaN/);
    assertRejected(decodeMessage(status('7ff0000000000000')), RANGE, /Infinity/);
    assertRejected(decodeMessage(status('bff0000000000000')), RANGE, /-1/);
    const leave = (ts: string) => unhex(`01 09 0178 ${ts} 0179`);
    assertRejected(decodeMessage(leave('7ff8000000000000')), RANGE, /timestamp .*NaN/);
    assertRejected(decodeMessage(leave('fff0000000000000')), RANGE, /-Infinity/);
    assertRejected(decodeMessage(leave('8000000000000001')), RANGE, /timestamp/);
  });

  it('bools other than 0 and 1, non-minimal varuints', () => {
    assertRejected(decodeMessage(unhex('01 06 02 00')), RANGE, /bool .*not 0 or 1/);
    assert.equal(decodeOk(unhex('01 05 03')).type, MessageType.CONNECT); // UPSTREAM
    assertRejected(decodeMessage(unhex('01 05 04')), RANGE, /unknown CONNECT intent 4/);
    assertRejected(decodeMessage(unhex('01 05 ff')), RANGE, /unknown CONNECT intent 255/);
    assertRejected(decodeMessage(unhex('01 08 01 8000 00')), NONCANONICAL, /not minimally encoded/);
  });

  it('truncation inside a field', () => {
    assertRejected(decodeMessage(unhex('01 0c 000000')), TRUNCATED, /truncated: u32/);
    assertRejected(decodeMessage(unhex('01 09 0178 3ff80000')), TRUNCATED, /truncated: f64/);
  });

  it('input that is not a Uint8Array', () => {
    for (const bad of [null, undefined, 'abc', [1, 11], {}]) {
      assertRejected(decodeMessage(bad as unknown as Uint8Array), WireCode.NOT_BYTES);
    }
  });
});

describe('encode misuse', () => {
  const MALFORMED = ErrorCode.MESSAGE_MALFORMED;
  const heartbeat = (generator: string, seq = 1): Message => ({ type: MessageType.HEARTBEAT, generator, seq });
  const leave = (timestampMs: number): Message => ({ type: MessageType.LEAVE, scx: 'a', timestampMs, origin: 'b' });
  const status = (costMs: number): Message => ({ type: MessageType.STATUS, nonce: 1, canAccept: true, canEvict: false, routes: [route('s', costMs, ['s'])] });

  it('ids: empty, too long, lone surrogate', () => {
    assertMisuse(() => encodeMessage(heartbeat('')), MALFORMED, /generator is not a non-empty string/);
    assertMisuse(() => encodeMessage(heartbeat('x'.repeat(256))), MALFORMED, /256 UTF-8 bytes, limit 255/);
    assertMisuse(() => encodeMessage(heartbeat('é'.repeat(128))), MALFORMED, /256 UTF-8 bytes/);
    assertMisuse(() => encodeMessage(heartbeat('a\uD800')), MALFORMED, /lone surrogate/);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: ['ok', ''], digest: NO_DIGEST }), MALFORMED, /known/);
  });

  it('nonce and seq outside u32', () => {
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) {
      assertMisuse(() => encodeMessage({ type: MessageType.PONG, nonce: bad }), MALFORMED, /nonce/);
      assertMisuse(() => encodeMessage(heartbeat('g', bad)), MALFORMED, /seq/);
    }
  });

  it('costs and timestamps that are not finite and non-negative', () => {
    for (const bad of [NaN, Infinity, -Infinity, -1, -Number.MIN_VALUE]) {
      assertMisuse(() => encodeMessage(status(bad)), MALFORMED, /route cost/);
      assertMisuse(() => encodeMessage(leave(bad)), MALFORMED, /timestamp/);
    }
  });

  it('lists past their limits', () => {
    const ids = (n: number) => Array.from({ length: n }, () => 'a');
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: ids(MAX_KNOWN_ENTRIES + 1), digest: NO_DIGEST }), MALFORMED, /1025 entries, limit 1024/);
    const longDigest = new Uint8Array(MAX_DIGEST_BYTES + 1);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: [], digest: longDigest }), MALFORMED, /digest .*at most 4096 bytes/);
    assertMisuse(() => encodeMessage({ type: MessageType.CONNECT_ACK, accepted: false, alternatives: ids(MAX_ALTERNATIVES + 1) }), MALFORMED, /alternatives/);
    assertMisuse(() => encodeMessage({ type: MessageType.STATUS, nonce: 1, canAccept: true, canEvict: false, routes: [route('s', 1, ids(MAX_PATH_LENGTH + 1))] }), MALFORMED, /route path/);
    const routes = Array.from({ length: MAX_ROUTES_PER_MESSAGE + 1 }, () => route('s', 1, []));
    assertMisuse(() => encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes, withdrawn: [] }), MALFORMED, /4097 routes/);
  });

  it('more than MAX_MESSAGE_BYTES in all, stopping early', () => {
    const routes = Array.from({ length: 1000 }, (_, i) => route(`s${i}`, 1, Array.from({ length: 200 }, () => 'hop')));
    assertMisuse(() => encodeMessage({ type: MessageType.STATUS, nonce: 1, canAccept: true, canEvict: false, routes }), ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('unknown type or wrongly typed fields', () => {
    assertMisuse(() => encodeMessage({ type: 99 } as unknown as Message), MALFORMED, /unknown message type 99/);
    assertMisuse(() => encodeMessage(null as unknown as Message), MALFORMED);
    assertMisuse(() => encodeMessage({ type: MessageType.CONNECT, intent: 7 } as unknown as Message), MALFORMED, /intent/);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY } as unknown as Message), MALFORMED);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: [7], digest: NO_DIGEST } as unknown as Message), MALFORMED);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: [] } as unknown as Message), MALFORMED, /digest/);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: [], digest: [1, 2] } as unknown as Message), MALFORMED, /digest/);
    assertMisuse(() => encodeMessage({ type: MessageType.DISCOVERY, known: [], digest: 'ab' } as unknown as Message), MALFORMED, /digest/);
  });

  it('leaves the encoder usable after a refusal', () => {
    assertMisuse(() => encodeMessage(heartbeat('x'.repeat(300))), MALFORMED);
    assert.equal(hex(encodeMessage(heartbeat('s17', 258))), '010a0373313700000102');
  });
});
