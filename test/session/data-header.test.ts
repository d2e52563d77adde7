import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeDataPacket, encodeDataPacket, payloadOf, seqDiff } from '../../src/session/data-header.ts';

const SEED = Number(process.env.FC_SEED ?? 20261126);

const header = {
  sessionId: new Uint8Array(16).fill(0xab),
  channel: 7,
  seq: 4_000_000_000,
  timestampMs: 1764115200123.25,
  source: 'client@10.0.0.9:5000',
  sourceScx: '10.0.0.1:7400',
};

describe('the data packet header', () => {
  it('round-trips every field and the payload', () => {
    const p = encodeDataPacket(header, new Uint8Array([1, 2, 3]));
    const d = decodeDataPacket(p.bytes);
    assert.ok(d);
    assert.deepEqual({ ...d.header, sessionId: [...d.header.sessionId] }, { ...header, sessionId: [...header.sessionId] });
    assert.deepEqual([...payloadOf(d)], [1, 2, 3]);
  });

  it(`rejects truncated and garbled packets without throwing (fast-check seed ${SEED})`, () => {
    const bytes = encodeDataPacket(header, new Uint8Array(0)).bytes;
    for (let n = 0; n < bytes.length; n++) assert.equal(decodeDataPacket(bytes.subarray(0, n)), undefined, `cut at ${n}`);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (junk) => {
        decodeDataPacket(junk);
      }),
      { seed: SEED },
    );
    const badUtf8 = Uint8Array.from(bytes);
    badUtf8[bytes.length - 1] = 0xff;
    assert.equal(decodeDataPacket(badUtf8), undefined);
  });

  it('refuses to encode what it could not decode', () => {
    assert.throws(() => encodeDataPacket({ ...header, channel: 70000 }, new Uint8Array(0)), RangeError);
    assert.throws(() => encodeDataPacket({ ...header, sourceScx: '' }, new Uint8Array(0)), RangeError);
    assert.throws(() => encodeDataPacket({ ...header, seq: -1 }, new Uint8Array(0)), RangeError);
  });

  it('compares sequence numbers across the u32 wrap', () => {
    assert.equal(seqDiff(1, 0xffffffff), 2);
    assert.equal(seqDiff(0xffffffff, 1), -2);
    assert.equal(seqDiff(5, 5), 0);
  });
});
