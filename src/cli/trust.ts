/**
 * `scattercast trust`: the overlay's key and node credentials, for deployments where not every node holds the
 * overlay key (docs/security.md). With the default setup (every node holds overlay.key) nothing here is needed.
 *
 * ```sh
 * scattercast trust overlay --dir ./overlay                 # makes an overlay (if none), prints its public key
 * scattercast trust key --id 10.0.0.2:7400                  # on the node: makes its key (if none), prints it
 * scattercast trust issue --overlay ./overlay --id 10.0.0.2:7400 --public-key KEY > node.cred
 * scattercast trust token                                     # the cluster token derived from overlay.key
 * ```
 */

import { join } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, ScError } from '../core/errors.ts';
import { defaultStateDir } from '../daemon/trust-config.ts';
import { isNodeAddress } from '../net/address.ts';
import { issueCredential, PUBLIC_KEY_BYTES } from '../trust/credential.ts';
import { credentialJson, loadNodeKey, NODE_CREDENTIAL_FILE, nodeDir } from '../trust/node-identity.ts';
import { derivedClusterToken, loadOverlay } from '../trust/overlay.ts';

function nodeId(id: string): string {
  if (!isNodeAddress(id)) throw new ScError(ErrorCode.USAGE, `--id must be the node's address as peers dial it, host:port (got ${JSON.stringify(id)})`);
  return id;
}

/** Registers `scattercast trust` and its subcommands. */
export function addTrust(program: Command, out: (line: string) => void): void {
  const trust = program.command('trust').description("the overlay's key and node credentials (see docs/security.md)");
  trust
    .command('overlay')
    .description('make an overlay in a folder (if it holds none) and print its public key')
    .option('--dir <folder>', 'the overlay folder (default: ~/.scattercast/overlay, or $SCATTERCAST_STATE_DIR/overlay)')
    .action((o: { dir?: string }) => {
      const overlay = loadOverlay(o.dir ?? join(defaultStateDir(), 'overlay'), true);
      out(`overlay ${overlay.dir}: public key ${Buffer.from(overlay.publicKey).toString('base64url')}`);
    });
  trust
    .command('key')
    .description("make this node's key (if it has none) and print its public key, for `trust issue`")
    .requiredOption('--id <host:port>', 'the node id: its address as peers dial it (the node\'s --advertise, else --listen)')
    .option('--state-dir <folder>', 'the node\'s state folder (default: ~/.scattercast, or $SCATTERCAST_STATE_DIR)')
    .action((o: { id: string; stateDir?: string }) => {
      const stateDir = o.stateDir ?? defaultStateDir();
      const { publicKey } = loadNodeKey(stateDir, nodeId(o.id));
      out(`node ${o.id}: public key ${publicKey.toString('base64url')}; put its credential in ${join(nodeDir(stateDir, o.id), NODE_CREDENTIAL_FILE)}`);
    });
  trust
    .command('token')
    .description("print the cluster token derived from the overlay's private key (what /state, /v1/host and /v1/probe ask for)")
    .option('--overlay <folder>', 'the overlay folder holding overlay.key (default: ~/.scattercast/overlay, or $SCATTERCAST_STATE_DIR/overlay)')
    .action((o: { overlay?: string }) => {
      const dir = o.overlay ?? join(defaultStateDir(), 'overlay');
      const overlay = loadOverlay(dir, false);
      if (!overlay.privateKey) throw new ScError(ErrorCode.TRUST_NO_CREDENTIAL, `${dir} holds no overlay.key: the cluster's token is its trust.clusterToken`);
      out(derivedClusterToken(overlay.privateKey));
    });
  trust
    .command('issue')
    .description("issue a node's credential with the overlay's private key; prints it (JSON) for the node's node.cred")
    .requiredOption('--overlay <folder>', 'the overlay folder holding overlay.key')
    .requiredOption('--id <host:port>', 'the node id the credential names')
    .requiredOption('--public-key <base64url>', 'the node\'s public key, as `trust key` printed it')
    .action((o: { overlay: string; id: string; publicKey: string }) => {
      const overlay = loadOverlay(o.overlay, false);
      if (!overlay.privateKey) throw new ScError(ErrorCode.TRUST_NO_CREDENTIAL, `${o.overlay} holds no overlay.key: issue on the machine that has it`);
      const publicKey = Buffer.from(o.publicKey, 'base64url');
      if (publicKey.length !== PUBLIC_KEY_BYTES) throw new ScError(ErrorCode.USAGE, '--public-key must be a 32-byte Ed25519 public key in base64url');
      out(credentialJson(issueCredential(overlay.privateKey, nodeId(o.id), publicKey)).trimEnd());
    });
}
