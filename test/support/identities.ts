/** Node identities made in memory, for tests that sign as a node (an honest one, or a malicious member). */

import { generateKeyPairSync } from 'node:crypto';
import { issueCredential, rawPublicKey } from '../../src/trust/credential.ts';
import { nodeCertificate } from '../../src/trust/node-certificate.ts';
import type { NodeIdentity } from '../../src/trust/node-identity.ts';
import type { Overlay } from '../../src/trust/overlay.ts';

/** A new overlay held in memory (no folder), able to issue credentials. */
export function memoryOverlay(): Overlay {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(privateKey), privateKey, dir: '(memory)' };
}

/** A new key for node `id`, `overlay`'s credential for it, and the TLS certificate that carries it. */
export function memoryIdentity(overlay: Overlay, id: string): NodeIdentity {
  if (!overlay.privateKey) throw new Error(`the overlay in ${overlay.dir} holds no private key`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const credential = issueCredential(overlay.privateKey, id, rawPublicKey(privateKey));
  const tls = { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: nodeCertificate(privateKey, credential) };
  return { overlay, credential, privateKey, tls, derivedToken: undefined };
}
