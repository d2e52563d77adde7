/**
 * The bulk module's parts alone: its message codec and the client control framing (hostile bytes refused, never
 * thrown), the signed manifest (a changed byte or another signer is refused), and the bounds of the chunk cache and
 * of the repair soft state.
 */

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { signerRefusal } from '../../../src/client/file-manifest.ts';
import { WireCode } from '../../../src/core/decoded.ts';
import { CONTROL_FRAME, PAYLOAD_FRAME, readClientFrame, typedFrame } from '../../../src/net/client-control.ts';
import { ChunkCache } from '../../../src/services/bulk/chunk-cache.ts';
import { chunkMatches, decodeManifest, manifestFileId, manifestParts, sha256, signManifest } from '../../../src/services/bulk/manifest.ts';
import { decodeBulk, encodeBulk, MAX_WANT_CHUNKS, toRanges, type BulkMessage } from '../../../src/services/bulk/messages.ts';
import { Waiters } from '../../../src/services/bulk/waiters.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { parseSessionName } from '../../../src/session/name.ts';
import { fcSeed } from '../../support/wire.ts';
import { testCreator } from '../../support/creator.ts';

const SEED = fcSeed('bulk-parts.test', 0xb01c);
const ID = new Uint8Array(32).fill(7);

/** A file of `size` bytes (no two chunks alike) and its manifest, signed by `key`. */
function fileOf(key: ReturnType<typeof generateKeyPairSync>['privateKey'], size: number, chunkSize: number) {
  const data = new Uint8Array(size).map((_, i) => (i * 31 + (i >> 16) * 13) & 0xff);
  const count = Math.ceil(size / chunkSize);
  const hashes = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) hashes.set(sha256(data.subarray(i * chunkSize, (i + 1) * chunkSize)), i * 32);
  const bytes = signManifest({ name: 'f.bin', size, chunkSize, sha256: sha256(data), chunkHashes: hashes }, key);
  return { data, bytes };
}

describe('bulk messages', () => {
  it('round-trips every type', () => {
    const all: BulkMessage[] = [
      { type: 'manifest-part', fileId: ID, part: 1, parts: 2, bytes: Uint8Array.of(1, 2, 3) },
      { type: 'chunk', fileId: ID, index: 4_000_000_000, bytes: new Uint8Array(100).fill(9) },
      { type: 'want', fileId: ID, ranges: [{ first: 0, count: 3 }, { first: 10, count: 1 }] },
      { type: 'want-manifest', fileId: ID },
      { type: 'want-manifest', fileId: undefined },
      { type: 'credit', fileId: ID, through: 17 },
    ];
    for (const m of all) {
      const d = decodeBulk(encodeBulk(m));
      assert.ok(d.ok, m.type);
      assert.deepEqual(JSON.parse(JSON.stringify(d.value)), JSON.parse(JSON.stringify(m)));
    }
  });

  it('refuses WANTs past their bounds and unknown types, with a code', () => {
    const want = (ranges: Array<[number, number]>): Uint8Array => {
      const b = Buffer.alloc(34 + ranges.length * 6);
      b[0] = 34;
      b[33] = ranges.length;
      ranges.forEach(([first, count], k) => {
        b.writeUInt32BE(first, 34 + k * 6);
        b.writeUInt16BE(count, 38 + k * 6);
      });
      return b;
    };
    assert.equal((decodeBulk(want([])) as { code: string }).code, WireCode.RANGE);
    assert.equal((decodeBulk(want([[0, 0]])) as { code: string }).code, WireCode.RANGE);
    assert.equal((decodeBulk(want([[0, MAX_WANT_CHUNKS], [5000, 1]])) as { code: string }).code, WireCode.OVERSIZE);
    assert.equal((decodeBulk(want([[0xffffffff, 2]])) as { code: string }).code, WireCode.RANGE);
    assert.equal((decodeBulk(Uint8Array.of(1)) as { code: string }).code, WireCode.UNKNOWN_TYPE);
    assert.deepEqual(toRanges([1, 2, 3, 7, 8, 20]), [{ first: 1, count: 3 }, { first: 7, count: 2 }, { first: 20, count: 1 }]);
  });

  it('never throws on arbitrary bytes (messages, manifests, client frames)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(32, 33, 34, 35, 36, 0xc7, 0), (bytes, first) => {
        const b = Uint8Array.of(first, ...bytes);
        decodeBulk(b);
        decodeManifest(b);
        const f = readClientFrame(b);
        assert.ok(f === undefined || f.kind === (first === 0 ? 'payload' : 'control'));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    assert.equal(readClientFrame(new Uint8Array(0)), undefined);
    assert.equal(readClientFrame(Uint8Array.of(DATA_VERSION_BYTE)), undefined, 'a data packet is not a client frame');
    assert.deepEqual([...typedFrame(CONTROL_FRAME, Uint8Array.of(5))], [0xc7, 5]);
    assert.deepEqual([...typedFrame(PAYLOAD_FRAME, Uint8Array.of(5))], [0, 5]);
  });
});

/** A data packet's version byte: never a client frame type. */
const DATA_VERSION_BYTE = 1;

describe('the bulk manifest', () => {
  const creator = testCreator();
  const session = parseSessionName(creator.name('m'));

  it('verifies, checks chunks, splits in parts; a changed byte or another signer is refused', () => {
    const { data, bytes } = fileOf(creator.key, 150_000, 65_536);
    const d = decodeManifest(bytes);
    assert.ok(d.ok);
    assert.equal(signerRefusal(d.value, session), undefined, 'signed by the key the name is bound to');
    assert.ok(chunkMatches(d.value, 2, data.subarray(131_072)));
    assert.ok(!chunkMatches(d.value, 2, data.subarray(131_071)), 'the wrong length');
    assert.ok(!chunkMatches(d.value, 0, data.subarray(65_536, 131_072)), 'another chunk');
    assert.ok(!chunkMatches(d.value, 3, new Uint8Array(1)), 'past the end');
    for (let at = 0; at < bytes.length; at += 37) {
      const changed = Uint8Array.from(bytes);
      changed[at]! ^= 1;
      assert.ok(!decodeManifest(changed).ok, `byte ${at} changed`);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const other = decodeManifest(fileOf(privateKey, 10, 4).bytes);
    assert.ok(other.ok);
    assert.match(signerRefusal(other.value, session) ?? '', /not signed by/);
    assert.equal(manifestParts(new Uint8Array(130_000)).length, 3);
    assert.throws(() => signManifest({ name: '../x', size: 0, chunkSize: 1, sha256: new Uint8Array(32), chunkHashes: new Uint8Array(0) }, creator.key), RangeError);
  });
});

describe('bulk state bounds', () => {
  it('the chunk cache keeps its bytes and files bound, a manifest completes only when it hashes to its file id', () => {
    const { bytes } = fileOf(testCreator().key, 10 * 1000, 1000);
    const fileId = manifestFileId(bytes);
    const header = { sessionId: new Uint8Array(16), channel: 1, seq: 0, timestampMs: 0, source: 'c', sourceScx: 'a:1' };
    const part = (id: Uint8Array) => encodeDataPacket(header, encodeBulk({ type: 'manifest-part', fileId: id, part: 0, parts: 1, bytes }));
    const cache = new ChunkCache(5000, 2);
    const wrong = cache.open(ID);
    assert.equal(cache.addPart(wrong, 0, 1, part(ID)), 'bad', 'the manifest does not hash to that id');
    const f = cache.open(fileId);
    assert.equal(cache.addPart(f, 0, 1, part(fileId)), 'complete');
    for (let i = 0; i < 10; i++) cache.addChunk(f, i, encodeDataPacket(header, new Uint8Array(1000)));
    assert.ok(cache.bytes <= 5000 && cache.evictions > 0, `cached ${cache.bytes} bytes`);
    cache.open(new Uint8Array(32).fill(1));
    cache.open(new Uint8Array(32).fill(2));
    assert.equal(cache.size, 2);
    assert.equal(cache.get(fileId), undefined, 'the oldest file was forgotten');
    assert.equal(cache.chunks, 0);
  });

  it('the soft state suppresses asks within the retry time, refuses past its bound and lapses', () => {
    const w = new Waiters(2, 100, 50);
    assert.equal(w.add('a', { client: 'x' }, 0), true);
    assert.equal(w.add('a', { link: 'L' }, 10), false, 'suppressed');
    assert.equal(w.add('a', { link: 'L' }, 60), true, 'asked again after the retry time');
    assert.equal(w.add('b', { link: 'L' }, 60, false), false, 'on its way: joins, not asked');
    assert.equal(w.add('c', { link: 'L' }, 60), false);
    assert.equal(w.refused, 1);
    const a = w.take('a');
    assert.deepEqual([...(a?.clients ?? [])], ['x']);
    w.expire(200);
    assert.equal(w.size, 0);
  });
});
