import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder, FrameTooLarge, encodeFrames } from '../../src/net/frame-decoder.ts';
import { decodeControlFrame, gossamerFrame, moduleFrame } from '../../src/net/control-frame.ts';
import { decodeHello, encodeHello } from '../../src/net/hello.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';

/** Seed of the property runs; FC_SEED=n replays another. */
const SEED = Number(process.env.FC_SEED ?? 20261126);

describe('length-prefixed framing', () => {
  it(`reassembles frames however the stream is cut (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (frames, cuts) => {
          const stream = encodeFrames(frames);
          const d = new FrameDecoder(1000);
          const got: Buffer[] = [];
          let p = 0;
          for (let k = 0; p < stream.length; k++) {
            const n = cuts[k % cuts.length] as number;
            got.push(...d.push(stream.subarray(p, p + n)));
            p += n;
          }
          assert.deepEqual(got.map((b) => [...b]), frames.map((f) => [...f]));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('refuses a frame over the limit before buffering it', () => {
    const d = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(101);
    assert.throws(() => d.push(header), FrameTooLarge);
  });
});

describe('connection hello', () => {
  it('round-trips control and data hellos', () => {
    assert.deepEqual(decodeHello(Buffer.from(encodeHello({ kind: 'control', from: '10.0.0.1:7400' }))), {
      kind: 'control',
      from: '10.0.0.1:7400',
    });
    const sessionId = Buffer.alloc(16, 7);
    const data = decodeHello(Buffer.from(encodeHello({ kind: 'data', from: 'h:1', sessionId, channel: 513 })));
    assert.deepEqual(data, { kind: 'data', from: 'h:1', sessionId, channel: 513 });
  });

  it('refuses strangers, other versions and truncated hellos with a reason', () => {
    const good = Buffer.from(encodeHello({ kind: 'control', from: 'h:1' }));
    assert.equal(decodeHello(Buffer.from('GET / HTTP/1.1\r\n')), 'not a scattercast peer');
    const v2 = Buffer.from(good);
    v2[3] = 2;
    assert.match(decodeHello(v2) as string, /version 2/);
    assert.equal(typeof decodeHello(good.subarray(0, good.length - 1)), 'string');
    assert.equal(typeof decodeHello(Buffer.concat([good, Buffer.from([0])])), 'string');
  });
});

describe('control frames', () => {
  it('carry Gossamer and module messages of a session', () => {
    const id = Buffer.alloc(16, 1);
    const g = decodeControlFrame(gossamerFrame(id, Buffer.from([9, 9])));
    assert.equal(g?.type, 'gossamer');
    assert.deepEqual([...(g?.data ?? [])], [9, 9]);
    const m = decodeControlFrame(moduleFrame(id, 3, Buffer.from([1])));
    assert.ok(m?.type === 'module' && m.channel === 3 && m.data[0] === 1);
  });

  it('decode garbage to undefined, never throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const f = decodeControlFrame(Buffer.from(bytes));
        if (f) assert.ok(bytes.length >= 17 && (bytes[0] === 1 || bytes[0] === 2));
      }),
      { seed: SEED },
    );
  });
});

describe('node addresses', () => {
  it('parse host:port and [v6]:port, and refuse the rest with ERR_CONFIG_INVALID', () => {
    assert.deepEqual(parseAddress('10.0.0.1:7400'), { host: '10.0.0.1', port: 7400 });
    assert.deepEqual(parseAddress('[::1]:80'), { host: '::1', port: 80 });
    assert.equal(formatAddress({ host: '::1', port: 80 }), '[::1]:80');
    for (const bad of ['10.0.0.1', 'h:0', 'h:65536', ':80', 'a b:1', '::1:80']) {
      assert.throws(() => parseAddress(bad), { code: 'ERR_CONFIG_INVALID' }, bad);
    }
  });
});
