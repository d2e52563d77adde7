/** The garbling check of the RTP and RTCP codecs, whose decoders accept padding (and RTP extensions) and strip them. */

import assert from 'node:assert/strict';
import { WireCode, type Decoded } from '../../../../src/core/decoded.ts';
import { decodedValue, hex } from '../../../support/wire.ts';

/**
 * Decoding `bytes` never throws and returns a coded refusal, or a value that re-encodes to `bytes` exactly or, when
 * `kind` is 'stripped' (the input had padding or an extension), to shorter bytes that decode to the same value.
 */
export function assertDecodesCanonically<T>(decode: (b: Uint8Array) => Decoded<T>, encode: (v: T) => Uint8Array, bytes: Uint8Array, kind: 'exact' | 'stripped'): void {
  let d: Decoded<T>;
  try {
    d = decode(bytes);
  } catch (err) {
    assert.fail(`decode threw on ${hex(bytes)}: ${String(err)}`);
  }
  if (!d.ok) {
    assert.ok((Object.values(WireCode) as string[]).includes(d.code) && d.reason.length > 0, `${d.code}: ${d.reason}`);
    return;
  }
  const again = encode(d.value);
  if (kind === 'exact') {
    assert.equal(hex(again), hex(bytes), 'a decoded value must re-encode to its bytes');
    return;
  }
  assert.ok(again.length < bytes.length, 'stripping makes the packet shorter');
  assert.deepEqual(decodedValue(decode(again)), d.value);
}
