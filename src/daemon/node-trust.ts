/** What a node starts with from its `trust` config: its identity (secure) or a loud warning (insecure). */

import { loadNodeIdentity, type NodeIdentity } from '../trust/node-identity.ts';
import { loadOverlay } from '../trust/overlay.ts';
import type { Logger } from './log.ts';
import type { TrustConfig } from './trust-config.ts';

/** A node's trust at run time. */
export interface NodeTrust {
  /** The node's key, credential and TLS certificate; undefined when insecure. */
  readonly identity: NodeIdentity | undefined;
  /** The bearer token of the cluster-internal API: configured, else derived from the overlay key (undefined if neither). */
  readonly clusterToken: string | undefined;
}

/** Loads (or makes, on first start) the node's keys; nothing when insecure. */
export function nodeTrust(trust: TrustConfig, self: string): NodeTrust {
  if (trust.insecure) return { identity: undefined, clusterToken: trust.clusterToken };
  const identity = loadNodeIdentity(trust.stateDir, self, loadOverlay(trust.overlay, trust.createOverlay));
  return { identity, clusterToken: trust.clusterToken ?? identity.derivedToken };
}

/** Logs, once the node listens, how its links are secured, or loudly that they are not. */
export function logTrust(trust: NodeTrust, log: Logger): void {
  const identity = trust.identity;
  if (!identity) {
    log('warn', 'INSECURE: node links are plaintext and nothing is authenticated; for lab runs only', { insecure: true });
    return;
  }
  log('info', 'secure: node links are mutual TLS 1.3 under the overlay', { overlay: identity.overlay.dir, publicKey: Buffer.from(identity.credential.publicKey).toString('base64url') });
}
