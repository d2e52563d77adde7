/** Node identities made in memory, for tests that sign as a node (an honest one, or a malicious member). */

import { generateKeyPairSync } from 'node:crypto';
import { issueCredential, rawPublicKey } from '../../src/trust/credential.ts';
import type { NodeIdentity } from '../../src/trust/node-identity.ts';
import type { Overlay } from '../../src/trust/overlay.ts';

/** A new overlay held in memory (no folder), able to issue credentials. */
export function memoryOverlay(): Overlay {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(privateKey), privateKey, dir: '(memory)' };
}

/** A new key for node `id` and `overlay`'s credential for it (no TLS certificate: these sign gossip only). */
export function memoryIdentity(overlay: Overlay, id: string): NodeIdentity {
  if (!overlay.privateKey) throw new Error('the overlay holds no private key');
  const { privateKey } = generateKeyPairSync('ed25519');
  return { overlay, credential: issueCredential(overlay.privateKey, id, rawPublicKey(privateKey)), privateKey, tls: { key: '', cert: '' }, derivedToken: undefined };
}
