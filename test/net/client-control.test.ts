import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CONTROL_FRAME, PAYLOAD_FRAME, readClientFrame, typedFrame, type ClientFrame } from '../../src/net/client-control.ts';
import { DATA_VERSION } from '../../src/session/data-header.ts';
import { fcSeed, garbledArb, hex, unhex } from '../support/wire.ts';

const SEED = fcSeed('client-control.test', 0x5cc7);

type Frame = NonNullable<ClientFrame>;

/** Writes a frame as a client does. */
const encode = (f: Frame): Uint8Array => typedFrame(f.kind === 'payload' ? PAYLOAD_FRAME : CONTROL_FRAME, f.body);

const GOLDEN: [Frame, string][] = [
  [{ kind: 'payload', body: unhex('68656c6c6f') }, '00 68656c6c6f'],
  [{ kind: 'control', body: unhex('23') }, 'c7 23'],
  [{ kind: 'payload', body: new Uint8Array(0) }, '00'],
  [{ kind: 'control', body: new Uint8Array(0) }, 'c7'],
];

/** Frames refused (readClientFrame gives undefined: the node drops and counts them). */
const REFUSED: [string, string][] = [
  ['an empty frame', ''],
  ['a data packet (its version byte)', `${DATA_VERSION.toString(16).padStart(2, '0')} 00`],
  ["an error code's E", '45 5252'],
  ['type 0xC6', 'c6 00'],
  ['type 0xFF', 'ff'],
];

const frameArb: fc.Arbitrary<Frame> = fc.record(
  { kind: fc.constantFrom('payload' as const, 'control' as const), body: fc.uint8Array({ maxLength: 80 }) },
  { noNullPrototype: true },
);

describe('client attachment frames (client to SCX)', () => {
  describe('golden bytes', () => {
    for (const [f, bytes] of GOLDEN) {
      it(`${f.kind}: ${bytes}`, () => {
        assert.equal(hex(encode(f)), bytes.replace(/\s+/g, ''));
        assert.deepEqual(readClientFrame(unhex(bytes)), f);
      });
    }
  });

  describe('refused frames give undefined', () => {
    for (const [title, bytes] of REFUSED) it(title, () => assert.equal(readClientFrame(unhex(bytes)), undefined));
  });

  it('every prefix cut: the empty one is refused, any other is the same kind with a shorter body (it runs to the end)', () => {
    for (const [f, bytes] of GOLDEN) {
      const full = unhex(bytes);
      assert.equal(readClientFrame(full.subarray(0, 0)), undefined);
      for (let n = 1; n < full.length; n++) assert.deepEqual(readClientFrame(full.subarray(0, n)), { kind: f.kind, body: full.subarray(1, n) });
    }
  });

  it(`round-trips any frame, byte for byte (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const bytes = encode(f);
        const back = readClientFrame(bytes);
        assert.deepEqual(back, f);
        assert.equal(hex(encode(back as Frame)), hex(bytes));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws on garbled frames; whatever it reads re-encodes to its bytes (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(garbledArb(GOLDEN.map(([, b]) => unhex(b))), (bytes) => {
        const f = readClientFrame(bytes);
        if (f === undefined) assert.ok(bytes.length === 0 || (bytes[0] !== PAYLOAD_FRAME && bytes[0] !== CONTROL_FRAME));
        else assert.equal(hex(encode(f)), hex(bytes));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
