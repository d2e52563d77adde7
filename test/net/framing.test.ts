import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder, FrameTooLarge, encodeFrames } from '../../src/net/frame-decoder.ts';
import { formatAddress, isNodeAddress, parseAddress, parseNodeAddress } from '../../src/net/address.ts';
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

  it('takes linear work for a frame trickled one byte at a time (a copy per piece of what came before was quadratic)', (t) => {
    const max = 70 * 1024;
    const d = new FrameDecoder(max);
    const stream = encodeFrames([Buffer.alloc(max, 7), Uint8Array.of(1, 2)]);
    const started = performance.now();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    const ms = performance.now() - started;
    t.diagnostic(`${stream.length} one-byte pieces decoded in ${ms.toFixed(0)} ms`);
    assert.deepEqual(got.map((f) => f.length), [max, 2]);
    assert.ok(got[0]?.every((b) => b === 7) && got[1]?.equals(Buffer.from([1, 2])), 'the frames came out wrong');
    // Measured: about 60 ms now, about 800 ms with the quadratic copy; the bound leaves room for a loaded machine.
    assert.ok(ms < 400, `${ms.toFixed(0)} ms for ${stream.length} one-byte pieces`);
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

  it('a node address is host:port exactly as formatted, its host a DNS name, dotted IPv4 or bracketed IPv6', () => {
    for (const good of ['10.0.0.1:7400', 'localhost:1', 'scx_1.lan:65535', '[::1]:80', '[fe80::1]:80']) {
      assert.ok(isNodeAddress(good), good);
    }
    assert.deepEqual(parseNodeAddress('[::1]:80'), { host: '::1', port: 80 });
    const bad = ['not-an-address', '[::1', '[::1]', 'host:0', 'h:99999', 'h:080', '[10.0.0.1]:80', '[::g]:80', '-h:80', 'a..b:80', 'a/b:80', `${'a'.repeat(300)}:80`];
    for (const text of bad) assert.equal(parseNodeAddress(text), undefined, text);
  });
});
