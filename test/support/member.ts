/**
 * A member of the overlay the test's nodes trust (the default one, under the default state folder): TLS
 * credentials for any node id, as a malicious member (or one that holds the overlay key) would show them.
 */

import { join } from 'node:path';
import { defaultStateDir } from '../../src/daemon/trust-config.ts';
import { loadOverlay, type Overlay } from '../../src/trust/overlay.ts';
import { memoryIdentity } from './identities.ts';

/** A key and a certificate for TLS, PEM. */
export interface TlsCredentials {
  readonly key: string;
  readonly cert: string;
}

let overlay: Overlay | undefined;
const made = new Map<string, TlsCredentials>();

/** The overlay the test's nodes trust by default (made if the machine has none yet). */
export function defaultOverlay(): Overlay {
  overlay ??= loadOverlay(join(defaultStateDir(), 'overlay'), true);
  return overlay;
}

/** TLS credentials for node `id`, issued by `by` (default: the nodes' own overlay; another one makes a forgery). */
export function memberCredentials(id: string, by: Overlay = defaultOverlay()): TlsCredentials {
  const cacheKey = `${Buffer.from(by.publicKey).toString('hex')}|${id}`;
  let c = made.get(cacheKey);
  if (!c) made.set(cacheKey, (c = memoryIdentity(by, id).tls));
  return c;
}
