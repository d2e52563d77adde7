/** A session creator for tests: a fresh Ed25519 key, session names bound to it, signed announcements and source tokens. */

import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { buildAnnouncement } from '../../src/session/announcement-build.ts';
import { signAnnouncement } from '../../src/session/announcement-signature.ts';
import { parseToSign } from '../../src/session/announcement.ts';
import { creatorKeyId } from '../../src/session/creator-key.ts';
import { sessionId } from '../../src/session/name.ts';
import { issueSourceToken, TOKEN_NONCE_BYTES } from '../../src/session/source-token.ts';
import { rawPublicKey } from '../../src/trust/credential.ts';

/** A test creator. */
export interface TestCreator {
  readonly key: KeyObject;
  /** The key's id, `key-...`. */
  readonly keyId: string;
  /** `scast://LABEL.key-.../name`: a session name bound to the key. */
  name(name: string, label?: string): string;
  /** The announcement `xml` (its name bound to the key), signed, as XML. */
  sign(xml: string): string;
  /** A source token for `session`, valid `ttlS` seconds from now (negative: expired already). */
  token(session: string, ttlS?: number): string;
}

/** Makes a creator with a new key. */
export function testCreator(): TestCreator {
  const { privateKey: key } = generateKeyPairSync('ed25519');
  const keyId = creatorKeyId(rawPublicKey(key));
  return {
    key,
    keyId,
    name: (name, label = 'test') => `scast://${label}.${keyId}/${name}`,
    sign: (xml) => buildAnnouncement(signAnnouncement(parseToSign(xml), key)),
    token: (session, ttlS = 3600) => issueSourceToken(key, sessionId(session), Math.floor(Date.now() / 1000) + ttlS, randomBytes(TOKEN_NONCE_BYTES)),
  };
}
