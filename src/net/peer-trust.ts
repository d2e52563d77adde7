/**
 * Mutual TLS 1.3 between nodes of one overlay. Each side shows a certificate carrying its node credential
 * (src/trust/node-certificate.ts); TLS proves it holds the key, the credential proves the overlay bound that key to
 * its node id. A connection's peer is the id so proven, never what a message claims: a hello naming another node,
 * a dial answered by another node, a certificate the overlay did not sign, are refused with a stable code.
 */

import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { credentialValid } from '../trust/credential.ts';
import { certificateCredential, type PeerRefusal } from '../trust/node-certificate.ts';
import type { NodeIdentity } from '../trust/node-identity.ts';

/** Why a node link is refused (counted by code). */
export type LinkRefusal =
  | PeerRefusal
  /** The certificate's credential was not issued by this node's overlay. */
  | 'ERR_PEER_CREDENTIAL_FORGED'
  /** The peer proved another id than its hello named, or than the address dialled. */
  | 'ERR_PEER_ID_MISMATCH'
  /** A control or data hello without TLS, on a secure node. */
  | 'ERR_PEER_PLAINTEXT';

/** A dialled TLS connection and the TCP socket under it (what a reset resets). */
export interface TlsDial {
  readonly tcp: Socket;
  readonly tls: TLSSocket;
}

/**
 * The ALPN protocol a dialled connection names in its (plaintext) ClientHello: what it carries, before any byte of it
 * is decrypted. A firewall can tell data connections from control ones by it (the chaos bench's gray failure does).
 */
export const ALPN = { control: 'scattercast-control/1', data: 'scattercast-data/1' } as const;

/** The first byte of a TLS handshake record; a framed hello starts with 0 (frames are far under 16 MiB). */
const TLS_HANDSHAKE = 0x16;

/** Whether a connection's first bytes open a TLS handshake. */
export function startsTls(first: Buffer): boolean {
  return first[0] === TLS_HANDSHAKE;
}

/** This node's side of mutual TLS: its certificate, and the check of every peer's. */
export class PeerTrust {
  private readonly context: SecureContext;

  constructor(private readonly identity: NodeIdentity) {
    this.context = createSecureContext({ ...identity.tls, minVersion: 'TLSv1.3' });
  }

  /** Serves TLS on an accepted TCP socket (its first bytes put back, see startsTls). */
  serve(tcp: Socket): TLSSocket {
    return new TLSSocket(tcp, { isServer: true, secureContext: this.context, requestCert: true, rejectUnauthorized: false, ALPNProtocols: [ALPN.control, ALPN.data] });
  }

  /** Dials `host:port` with TLS for a `kind` connection; the caller checks the peer (`check`) on 'secureConnect' before sending anything. */
  dial(host: string, port: number, kind: keyof typeof ALPN): TlsDial {
    const tcp = tcpConnect({ host, port });
    const tls = tlsConnect({ socket: tcp, secureContext: this.context, rejectUnauthorized: false, minVersion: 'TLSv1.3', ALPNProtocols: [ALPN[kind]] });
    return { tcp, tls };
  }

  /** Whether the peer of a handshaken TLS socket proved to be node `id`; else why not. */
  check(tls: TLSSocket, id: string): { readonly ok: true } | { readonly ok: false; readonly code: LinkRefusal; readonly reason: string } {
    const c = certificateCredential(tls.getPeerX509Certificate());
    if (typeof c === 'string') return { ok: false, code: c, reason: 'the peer showed no node credential' };
    if (!credentialValid(this.identity.overlay.publicKey, c)) return { ok: false, code: 'ERR_PEER_CREDENTIAL_FORGED', reason: `a credential for ${c.id} not issued by this overlay` };
    if (c.id !== id) return { ok: false, code: 'ERR_PEER_ID_MISMATCH', reason: `the peer proved to be ${c.id}, not ${id}` };
    return { ok: true };
  }
}
