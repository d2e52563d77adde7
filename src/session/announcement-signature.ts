/**
 * Signed announcements (docs/security.md): the creator signs the canonical announcement, the text
 * `renderAnnouncement` writes for it without its CREATOR, with the key that its session name is bound to
 * (creator-key.ts). Signed bytes: `"scattercast announcement v1\0"`, the raw public key (32), the canonical text's
 * UTF-8. White space, attribute quotes, references and the place of DESCRIPTION in the document do not matter.
 */
import type { KeyObject } from 'node:crypto';

import { ErrorCode, ScError } from '../core/errors.ts';
import { rawPublicKey, signIn, signedIn } from '../trust/credential.ts';
import { renderAnnouncement } from './announcement-render.ts';
import type { Announcement } from './announcement-types.ts';
import { boundKeyId, creatorKeyId } from './creator-key.ts';
import { formatSessionName } from './name.ts';

/** The signing context of announcements (credential.ts's signIn). */
const CONTEXT = 'announcement v1';

function refused(why: string): ScError {
  return new ScError(ErrorCode.ANNOUNCEMENT_SIGNATURE, why);
}

/** The bytes a creator signs for `a` under `publicKey`. */
function signedBytes(a: Announcement, publicKey: Uint8Array): Buffer {
  const { creator: _, ...unsigned } = a;
  return Buffer.concat([publicKey, Buffer.from(renderAnnouncement(unsigned), 'utf8')]);
}

/** The name `a` would need to be signed by the key with id `keyId`: its creator with the key id as last label. */
function boundName(a: Announcement, keyId: string): string {
  const labels = a.name.creator.split('.');
  if (boundKeyId(a.name) !== undefined) labels.pop();
  return formatSessionName({ creator: [...labels, keyId].join('.'), name: a.name.name });
}

/** Whether `a` binds its name to its creator key with a valid signature; throws ERR_ANNOUNCEMENT_SIGNATURE if not. */
export function checkCreator(a: Announcement): void {
  const bound = boundKeyId(a.name);
  if (a.creator === undefined) {
    if (bound !== undefined) throw refused(`${formatSessionName(a.name)} is bound to ${bound}: its announcement must be signed by that key (CREATOR)`);
    return;
  }
  const keyId = creatorKeyId(a.creator.publicKey);
  if (bound !== keyId) {
    throw refused(`CREATOR key ${keyId} does not own ${formatSessionName(a.name)} (a signed session is named ${boundName(a, keyId)})`);
  }
  if (!signedIn(CONTEXT, signedBytes(a, a.creator.publicKey), a.creator.publicKey, a.creator.signature)) {
    throw refused(`CREATOR signature does not verify for ${formatSessionName(a.name)} (was the announcement changed after signing?)`);
  }
}

/** `a` signed with the creator's Ed25519 private `key`; throws ERR_ANNOUNCEMENT_SIGNATURE if its name is not bound to the key. */
export function signAnnouncement(a: Announcement, key: KeyObject): Announcement {
  const publicKey = new Uint8Array(rawPublicKey(key));
  const keyId = creatorKeyId(publicKey);
  if (boundKeyId(a.name) !== keyId) throw refused(`to sign it with ${keyId}, name the session ${boundName(a, keyId)}`);
  const signed: Announcement = { ...a, creator: { publicKey, signature: new Uint8Array(signIn(CONTEXT, signedBytes(a, publicKey), key)) } };
  checkCreator(signed);
  return signed;
}
