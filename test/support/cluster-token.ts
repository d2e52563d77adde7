/**
 * The cluster token a test sends on a node's cluster-internal admin routes (`/state`, `/v1/host`, `/v1/probe`): an
 * in-process node's is `running.trust.clusterToken`; a spawned node's is derived from the overlay it uses, by
 * default the one under the state folder it inherits from this process ($SCATTERCAST_STATE_DIR, else ~/.scattercast).
 */

import { join } from 'node:path';
import { defaultStateDir } from '../../src/daemon/trust-config.ts';
import { bearerHeader } from '../../src/net/bearer-token.ts';
import { derivedClusterToken, loadOverlay } from '../../src/trust/overlay.ts';

/** The token that nodes holding the overlay in `overlayDir` derive (made there first if there is none, as a node would). */
export function overlayToken(overlayDir = join(defaultStateDir(), 'overlay')): string {
  const { privateKey } = loadOverlay(overlayDir, true);
  if (!privateKey) throw new Error(`the overlay in ${overlayDir} has no overlay.key: its nodes derive no cluster token`);
  return derivedClusterToken(privateKey);
}

/** The headers that carry `token` (none for undefined: a node with no token leaves its internal routes open). */
export function tokenHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : bearerHeader(token);
}
