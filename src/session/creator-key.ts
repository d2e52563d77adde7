/**
 * Session names bound to a creator's key (docs/security.md): a signed session's name is
 * `scast://[label.]key-<id>/name`, where `<id>` is the first 20 bytes of the SHA-256 of the creator's raw Ed25519
 * public key in lower-case base32 (32 characters, RFC 4648 alphabet, no padding) and the optional label is free
 * text that nothing checks. Only the holder of the key can sign an announcement for such a name, so no one else
 * can announce, or hand out source tokens for, a session under it.
 */
import { createHash } from 'node:crypto';

import type { SessionName } from './name.ts';

/** The label of a key id: `key-` and 32 base32 characters. */
const KEY_LABEL = /^key-[a-z2-7]{32}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Bytes of the key's SHA-256 that its id keeps (160 bits: a second preimage costs 2^160). */
const KEY_ID_BYTES = 20;

/** Lower-case RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((value << (5 - bits)) & 31);
  return out;
}

/** The id of a creator's raw Ed25519 public key: `key-` and 32 base32 characters. */
export function creatorKeyId(publicKey: Uint8Array): string {
  return `key-${base32(createHash('sha256').update(publicKey).digest().subarray(0, KEY_ID_BYTES))}`;
}

/** The key id a session name is bound to (its creator's last dot-separated label, if that is a key id). */
export function boundKeyId(name: SessionName): string | undefined {
  const label = name.creator.slice(name.creator.lastIndexOf('.') + 1).toLowerCase();
  return KEY_LABEL.test(label) ? label : undefined;
}
