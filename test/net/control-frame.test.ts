import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../src/core/decoded.ts';
import { decodeControlFrame, gossamerFrame, moduleFrame, type ControlFrame } from '../../src/net/control-frame.ts';
import { decodedValue, describeWireFormat, fcSeed, unhex } from '../support/wire.ts';

const SEED = fcSeed('control-frame.test', 0x5ca9);

const ID = '000102030405060708090a0b0c0d0e0f';

/** Encodes a decoded frame again. */
function encode(f: ControlFrame): Uint8Array {
  return f.type === 'gossamer' ? gossamerFrame(f.sessionId, f.data) : moduleFrame(f.sessionId, f.channel, f.data);
}

/** Pinned encodings (taken from the encoder before it moved onto core/bytes); the body is the rest of the frame. */
const GOLDEN: [string, ControlFrame, string][] = [
  ['gossamer', { type: 'gossamer', sessionId: Buffer.from(ID, 'hex'), data: Buffer.from('010b', 'hex') }, `01 ${ID} 010b`],
  ['gossamer, empty body', { type: 'gossamer', sessionId: Buffer.alloc(16, 0xab), data: Buffer.alloc(0) }, '01 abababababababababababababababab'],
  ['module', { type: 'module', sessionId: Buffer.from(ID, 'hex'), channel: 513, data: Buffer.from('0173', 'hex') }, `02 ${ID} 0201 0173`],
  ['module, empty body', { type: 'module', sessionId: Buffer.alloc(16), channel: 0xffff, data: Buffer.alloc(0) }, '02 00000000000000000000000000000000 ffff'],
];

/** Smallest frame of each type: what a cut shorter than this is. */
const HEADER_BYTES = { gossamer: 17, module: 19 };

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['type 0', `00 ${ID} 010b`, WireCode.UNKNOWN_TYPE],
  ['type 3', `03 ${ID} 010b`, WireCode.UNKNOWN_TYPE],
  ['type 255 alone', 'ff', WireCode.UNKNOWN_TYPE],
  ['module frame without its channel', `02 ${ID} 01`, WireCode.TRUNCATED],
];

const sessionIdArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b));
const dataArb = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const frameArb: fc.Arbitrary<ControlFrame> = fc.oneof(
  fc.record({ type: fc.constant('gossamer' as const), sessionId: sessionIdArb, data: dataArb }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('module' as const), sessionId: sessionIdArb, channel: fc.integer({ min: 0, max: 0xffff }), data: dataArb }, { noNullPrototype: true }),
);

describeWireFormat('control frames', {
  decode: decodeControlFrame,
  encode,
  golden: GOLDEN,
  malformed: MALFORMED,
  prefixes: { upTo: (frame) => HEADER_BYTES[frame.type], title: 'every cut inside the header is truncated (the body runs to the end: no trailing bytes)' },
  arbitrary: frameArb,
  seed: SEED,
  value: 'frame',
  packets: 'frames',
  extra: () => {
    it('hands out Buffers: views of the frame when decoding, a fresh Buffer per encoding', () => {
      const frame = Buffer.from(unhex(GOLDEN[2]![2]));
      const f = decodedValue(decodeControlFrame(frame));
      assert.ok(Buffer.isBuffer(f.sessionId) && Buffer.isBuffer(f.data));
      assert.equal(f.sessionId.toString('hex'), ID);
      assert.equal(f.data.buffer, frame.buffer);
      const a = gossamerFrame(f.sessionId, Buffer.from([1]));
      const b = gossamerFrame(f.sessionId, Buffer.from([2]));
      assert.ok(Buffer.isBuffer(a));
      assert.deepEqual([a.at(-1), b.at(-1)], [1, 2]);
    });

    it('refuses to encode a session id that is not 16 bytes or a channel outside u16', () => {
      assert.throws(() => gossamerFrame(new Uint8Array(15), new Uint8Array(0)), RangeError);
      assert.throws(() => moduleFrame(new Uint8Array(16), 65536, new Uint8Array(0)), RangeError);
    });
  },
});
