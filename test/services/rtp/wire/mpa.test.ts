import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  decodeMpa,
  encodeMpa,
  MAX_MPA_FRAME_BYTES,
  MPA_PAYLOAD_TYPE,
  MpaReassembler,
  mpaPacketize,
  rtpTicks,
  type MpaPayload,
} from '../../../../src/services/rtp/wire/mpa.ts';
import type { RtpPacket } from '../../../../src/services/rtp/wire/rtp-packet.ts';
import { describeWireFormat, fcSeed, hex, unhex } from '../../../support/wire.ts';

const SEED = fcSeed('mpa.test', 0x2250);

describeWireFormat('MPA payload header (RFC 2250 3.5)', {
  decode: decodeMpa,
  encode: encodeMpa,
  golden: [
    ['a whole frame', { fragmentOffset: 0, data: unhex('fffb9064 0102') }, '0000 0000 fffb9064 0102'],
    ['a fragment at offset 1396', { fragmentOffset: 1396, data: unhex('abcd') }, '0000 0574 abcd'],
    ['no data', { fragmentOffset: 0xffff, data: new Uint8Array(0) }, '0000 ffff'],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['a non-zero MBZ field', '0001 0000 fffb', WireCode.RANGE],
    ['MBZ high bit', '8000 0000', WireCode.RANGE],
  ],
  prefixes: { upTo: () => 4, title: 'every cut inside the 4-byte header is truncated (the data runs to the end)' },
  arbitrary: fc.record({ fragmentOffset: fc.integer({ min: 0, max: 0xffff }), data: fc.uint8Array({ maxLength: 64 }) }, { noNullPrototype: true }) as fc.Arbitrary<MpaPayload>,
  seed: SEED,
  value: 'payload',
  extra: () => {
    it('refuses to encode an offset outside u16', () => assert.throws(() => encodeMpa({ fragmentOffset: 0x10000, data: new Uint8Array(0) }), RangeError));
  },
});

/** An MPEG-1 layer III frame of `kbps` (an index-table value) at 44.1 kHz, body filled with `fill`. */
function frame(fill: number, kbps = 128, padded = false): Uint8Array {
  const index = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320].indexOf(kbps) + 1;
  const bytes = new Uint8Array(Math.floor((144000 * kbps) / 44100) + (padded ? 1 : 0)).fill(fill);
  bytes.set([0xff, 0xfb, (index << 4) | (padded ? 2 : 0), 0x64]);
  return bytes;
}

/** RTP packets (seqs from `seq`, one timestamp per frame) of `frames` packetized at `max` bytes a payload. */
function packets(frames: readonly Uint8Array[], max: number, seq = 1, ssrc = 7): RtpPacket[] {
  const out: RtpPacket[] = [];
  frames.forEach((f, i) => {
    for (const payload of mpaPacketize(f, max)) {
      out.push({ payloadType: MPA_PAYLOAD_TYPE, marker: false, seq: (seq + out.length) & 0xffff, timestamp: i * 2351, ssrc, csrcs: [], payload });
    }
  });
  return out;
}

const pushAll = (r: MpaReassembler, ps: readonly RtpPacket[]): Uint8Array[] => ps.flatMap((p) => r.push(p));

describe('MPA packetizer', () => {
  it('puts a frame that fits into one payload at offset 0', () => {
    const f = frame(1);
    const [only, ...more] = mpaPacketize(f, 1400);
    assert.equal(more.length, 0);
    assert.equal(hex(only!), `00000000${hex(f)}`);
  });

  it('fragments a larger frame with increasing offsets (golden)', () => {
    const f = unhex('a0a1a2a3 a4a5a6a7 a8a9');
    assert.deepEqual(mpaPacketize(f, 8).map(hex), ['00000000a0a1a2a3', '00000004a4a5a6a7', '00000008a8a9']);
  });

  it('fills fragments up to maxPayloadBytes, MPA header included', () => {
    const sizes = mpaPacketize(frame(2), 200).map((p) => p.length);
    assert.deepEqual(sizes, [200, 200, 4 + 417 - 2 * 196]);
  });

  it('refuses an empty or oversize frame and a payload size with no room for data', () => {
    assert.throws(() => mpaPacketize(new Uint8Array(0), 1400), RangeError);
    assert.throws(() => mpaPacketize(new Uint8Array(MAX_MPA_FRAME_BYTES + 1), 1400), RangeError);
    assert.throws(() => mpaPacketize(frame(1), 4), RangeError);
    assert.throws(() => mpaPacketize(frame(1), 100.5), RangeError);
  });
});

describe('MPA reassembler', () => {
  it('returns whole frames one per packet, in order, as copies', () => {
    const frames = [frame(1), frame(2, 320), frame(3, 64, true)];
    const ps = packets(frames, 1400);
    const r = new MpaReassembler();
    const out = pushAll(r, ps);
    assert.deepEqual(out, frames);
    assert.notEqual(out[0]!.buffer, ps[0]!.payload.buffer);
    assert.equal(r.counters.frames, 3);
  });

  it('returns every frame of a packet that carries several', () => {
    const a = frame(1);
    const b = frame(2, 32);
    const payload = encodeMpa({ fragmentOffset: 0, data: Buffer.concat([a, b]) });
    const r = new MpaReassembler();
    assert.deepEqual(r.push({ payloadType: 14, marker: false, seq: 1, timestamp: 0, ssrc: 1, csrcs: [], payload }), [a, b]);
  });

  it('reassembles a fragmented frame, across a seq wrap', () => {
    const f = frame(9, 320);
    const ps = packets([f], 300, 0xfffe);
    assert.equal(ps.length, 4);
    const r = new MpaReassembler();
    assert.deepEqual(ps.map((p) => r.push(p).length), [0, 0, 0, 1]);
    assert.deepEqual(r.push(packets([frame(1)], 1400, 2)[0]!), [frame(1)]);
  });

  it('drops only the frame whose middle fragment is lost', () => {
    const frames = [frame(1), frame(2), frame(3)];
    const ps = packets(frames, 200); // three fragments a frame
    const r = new MpaReassembler();
    const out = pushAll(r, ps.filter((_, i) => i !== 4));
    assert.deepEqual(out, [frames[0], frames[2]]);
    assert.equal(r.counters.framesIncomplete, 1);
    assert.equal(r.counters.orphanFragments, 1, "the lost frame's last fragment");
  });

  it('drops a frame whose first fragment is lost, and counts its other fragments', () => {
    const frames = [frame(1), frame(2)];
    const r = new MpaReassembler();
    assert.deepEqual(pushAll(r, packets(frames, 200).slice(1)), [frames[1]]);
    assert.equal(r.counters.orphanFragments, 2);
    assert.equal(r.counters.framesIncomplete, 0);
  });

  it('drops a frame whose fragments do not follow on: another timestamp, a wrong offset, an overrun', () => {
    const [first, second, third] = packets([frame(1)], 200);
    const cases: [string, RtpPacket, keyof MpaReassembler['counters']][] = [
      ['timestamp', { ...second!, timestamp: 99 }, 'orphanFragments'],
      ['offset', { ...second!, payload: encodeMpa({ fragmentOffset: 10, data: new Uint8Array(4) }) }, 'orphanFragments'],
      ['overrun', { ...second!, payload: encodeMpa({ fragmentOffset: 196, data: new Uint8Array(400) }) }, 'malformed'],
    ];
    for (const [title, bad, counter] of cases) {
      const r = new MpaReassembler();
      assert.deepEqual([first!, bad, { ...third!, seq: bad.seq + 1 }].flatMap((p) => r.push(p)), [], title);
      assert.equal(r.counters.framesIncomplete, 1, title);
      assert.equal(r.counters[counter], counter === 'orphanFragments' ? 2 : 1, title);
    }
  });

  it('drops duplicate and late packets, takes a restart of the numbering', () => {
    const frames = [frame(1), frame(2), frame(3)];
    const [a, b, c] = packets(frames, 1400, 500);
    const r = new MpaReassembler();
    assert.deepEqual([a!, a!, c!, b!].flatMap((p) => r.push(p)), [frames[0], frames[2]]);
    assert.equal(r.counters.late, 2);
    assert.deepEqual(r.push({ ...b!, seq: 100 }), [frames[1]], '400 back is a restart, not late');
  });

  it('resets on a new SSRC, dropping a partial frame', () => {
    const [first] = packets([frame(1)], 200, 1, 7);
    const other = packets([frame(2)], 1400, 50, 8);
    const r = new MpaReassembler();
    assert.deepEqual(r.push(first!), []);
    assert.deepEqual(r.push(other[0]!), [frame(2)]);
    assert.equal(r.counters.ssrcChanges, 1);
    assert.equal(r.counters.framesIncomplete, 1);
  });

  it('counts and drops other payload types, bad MPA headers, unreadable and overrunning frames', () => {
    const base: RtpPacket = { payloadType: 14, marker: false, seq: 1, timestamp: 0, ssrc: 1, csrcs: [], payload: new Uint8Array(0) };
    const r = new MpaReassembler();
    const a = frame(1);
    assert.deepEqual(r.push({ ...base, payloadType: 96, payload: encodeMpa({ fragmentOffset: 0, data: a }) }), []);
    assert.deepEqual(r.push({ ...base, seq: 2, payload: unhex('0001 0000') }), []);
    assert.deepEqual(r.push({ ...base, seq: 3, payload: unhex('00') }), []);
    assert.deepEqual(r.push({ ...base, seq: 4, payload: encodeMpa({ fragmentOffset: 0, data: unhex('fffb0064 0000') }) }), [], 'free format');
    assert.deepEqual(r.push({ ...base, seq: 5, payload: encodeMpa({ fragmentOffset: 0, data: unhex('00112233') }) }), [], 'no sync');
    const cut = Buffer.concat([a, frame(2).subarray(0, 100)]);
    assert.deepEqual(r.push({ ...base, seq: 6, payload: encodeMpa({ fragmentOffset: 0, data: cut }) }), [a], 'a second frame cut short');
    assert.deepEqual(r.counters, { frames: 1, framesIncomplete: 0, orphanFragments: 0, malformed: 5, wrongPayloadType: 1, late: 0, ssrcChanges: 0 });
  });

  it(`returns exactly the frames all of whose packets arrive, in order, whatever is lost (fast-check seed ${SEED})`, () => {
    const frameArb = fc
      .tuple(fc.constantFrom(32, 64, 128, 320), fc.boolean(), fc.integer({ min: 0, max: 255 }))
      .map(([kbps, padded, fill]) => frame(fill, kbps, padded));
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 100, max: 1400 }), fc.array(fc.boolean(), { maxLength: 60 }), (frames, max, lose) => {
        const r = new MpaReassembler();
        const kept: Uint8Array[] = [];
        let i = 0;
        frames.forEach((f, n) => {
          const ps = packets([f], max, i + 1).map((p) => ({ ...p, timestamp: n * 2351 }));
          const arrived = ps.filter((_, k) => !lose[i + k]);
          i += ps.length;
          if (arrived.length === ps.length) kept.push(f);
          for (const p of arrived) for (const out of r.push(p)) assert.deepEqual(out, f);
        });
        assert.equal(r.counters.frames, kept.length);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('RTP timestamps of MPEG audio', () => {
  it('counts 90 kHz ticks of a running sample count, without drift', () => {
    assert.equal(rtpTicks(1152, 44100), 2351);
    assert.equal(rtpTicks(44100, 44100), 90000);
    assert.equal(rtpTicks(1152 * 1000, 44100), 2351020);
    assert.equal(rtpTicks(1152, 48000), 2160);
    assert.equal(rtpTicks(0, 8000), 0);
  });

  it('wraps at 2^32 and refuses nonsense', () => {
    assert.equal(rtpTicks(48000 * 47722, 48000), (90000 * 47722) % 2 ** 32);
    const year = 86400 * 365;
    assert.equal(rtpTicks(44100 * year + 1152, 44100), Number((90000n * BigInt(year) + 2351n) % 2n ** 32n), 'exact after a year of samples');
    assert.throws(() => rtpTicks(-1, 44100), RangeError);
    assert.throws(() => rtpTicks(1, 0), RangeError);
    assert.throws(() => rtpTicks(NaN, 44100), RangeError);
  });
});
