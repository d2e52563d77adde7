import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder, FrameTooLarge, encodeFrames } from '../../src/net/frame-decoder.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import { testSeed } from '../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 20261126;

describe('length-prefixed framing', () => {
  it('reassembles frames however the stream is cut', (t) => {
    const seed = testSeed(t, SEED);
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
      { seed, numRuns: 200 },
    );
  });

  it('refuses a frame over the limit before buffering it', () => {
    const d = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(101);
    assert.throws(() => d.push(header), FrameTooLarge);
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
