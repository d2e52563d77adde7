/**
 * The bench's two security modes and what the secure one needs.
 *
 * - `on`: the SCX runs secure (the default of `scattercast node`), with its state folder in a temporary folder that
 *   holds the bench's own overlay. The fakes are members of that overlay: each has a node key and a credential
 *   for its own id from src/trust/* (loadNodeIdentity, the very code a node uses), speaks mutual TLS 1.3 through
 *   src/net/peer-trust.ts (PeerTrust: the same dial, serve and peer check as the product), signs its route
 *   adverts as a source does (src/daemon/gossip-proofs.ts), and seals and opens its UDP DATA datagrams with
 *   src/net/udp-keys.ts, keyed from its TLS control connection's exporter.
 * - `off`: the SCX runs with `trust.insecure` (the CLI's --insecure), plaintext links, as before Issue 12.
 *
 * Also here: the micro-benchmark of what authenticating one UDP datagram costs (UdpKeys.seal + UdpKeys.open).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORTED_KEY_BYTES, UDP_TAG_BYTES, UdpKeys } from '../../src/net/udp-keys.ts';
import { PeerTrust } from '../../src/net/peer-trust.ts';
import { makeProof } from '../../src/daemon/gossip-proofs.ts';
import type { OriginProof } from '../../src/gossamer/wire/messages.ts';
import { loadNodeIdentity, type NodeIdentity } from '../../src/trust/node-identity.ts';
import { loadOverlay, type Overlay } from '../../src/trust/overlay.ts';
import { onCleanup } from './procs.ts';
import { median } from './util.ts';

/** The SCX secure (`on`, mutual TLS and UDP tags) or `--insecure` (`off`). */
export type Security = 'on' | 'off';
export const SECURITY_MODES: readonly Security[] = ['on', 'off'];

/** How a mode is named in the report. */
export const modeName = (s: Security): string => (s === 'on' ? 'secure' : 'insecure');

/** A fake's membership of the bench overlay: its identity (key, credential, certificate) and its TLS side. */
export interface Member {
  readonly identity: NodeIdentity;
  readonly trust: PeerTrust;
}

/** A temporary state folder holding a fresh overlay: the SCX's `trust.stateDir`, and where the fakes' keys live. */
export class BenchOverlay {
  private readonly unregister: () => void;

  private constructor(
    readonly stateDir: string,
    readonly overlay: Overlay,
  ) {
    this.unregister = onCleanup(() => this.remove());
  }

  /** Makes the folder and its overlay (`<stateDir>/overlay`, where a secure node looks by default). */
  static create(): BenchOverlay {
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-dataplane-trust-'));
    return new BenchOverlay(stateDir, loadOverlay(join(stateDir, 'overlay'), true));
  }

  /** Node `id`'s membership: its key made and its credential issued as a node holding the overlay key does at start. */
  member(id: string): Member {
    const identity = loadNodeIdentity(this.stateDir, id, this.overlay);
    return { identity, trust: new PeerTrust(identity) };
  }

  /** Removes the folder (keys included). */
  remove(): void {
    this.unregister();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** A source's proof that it is one, for its adverts in session `sessionId` (what a secure SCX's SignedState makes). */
export function sourceProof(member: Member, sessionId: Uint8Array): OriginProof {
  return makeProof(member.identity, sessionId, { kind: 'advert', source: member.identity.credential.id }, Date.now());
}

/** CPU cost of authenticating UDP datagrams, from a micro-benchmark of UdpKeys in this process. */
export interface UdpAuthCost {
  /** Bytes of the datagram sealed (type byte and packet), and of its tag. */
  readonly datagramBytes: number;
  readonly tagBytes: number;
  readonly iterations: number;
  readonly runs: number;
  /** Median over the runs, ns per datagram: seal, open (tag verified), and both. */
  readonly sealNs: number;
  readonly openNs: number;
  readonly sealOpenNs: number;
  /** The runs' seal+open figures, ns. */
  readonly sealOpenRunsNs: number[];
  /** What one datagram relayed by the SCX to 4 downstreams costs it: 1 open + 4 seals, ns. */
  readonly perRelayedDatagramNs: number;
}

/**
 * Seals and opens `iterations` datagrams of `datagramBytes` with two UdpKeys sharing keying material (a sender and a
 * receiver, as two nodes do), `runs` times; medians of ns per datagram. A warm-up run is not counted.
 */
export function measureUdpAuth(datagramBytes: number, iterations = 20_000, runs = 7): UdpAuthCost {
  const material = Buffer.alloc(EXPORTED_KEY_BYTES, 7);
  const a = new UdpKeys('127.0.0.1:1');
  const b = new UdpKeys('127.0.0.1:2');
  a.set('127.0.0.1:2', material);
  b.set('127.0.0.1:1', material);
  const datagram = Buffer.alloc(datagramBytes, 0xa5);
  datagram[0] = 16;
  const sealed: Buffer[] = new Array(iterations);
  const seal: number[] = [];
  const open: number[] = [];
  let failed = 0;
  for (let r = 0; r <= runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      datagram.writeUInt32BE(i, 20);
      sealed[i] = a.seal('127.0.0.1:2', datagram) as Buffer;
    }
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (b.open('127.0.0.1:1', sealed[i] as Buffer) === undefined) failed++;
    const t2 = process.hrtime.bigint();
    if (r === 0) continue;
    seal.push(Number(t1 - t0) / iterations);
    open.push(Number(t2 - t1) / iterations);
  }
  if (failed > 0) throw new Error(`udp auth micro-benchmark: ${failed} datagrams did not open`);
  const both = seal.map((s, i) => s + (open[i] as number));
  const sealNs = median(seal);
  const openNs = median(open);
  return {
    datagramBytes,
    tagBytes: UDP_TAG_BYTES,
    iterations,
    runs,
    sealNs,
    openNs,
    sealOpenNs: median(both),
    sealOpenRunsNs: both,
    perRelayedDatagramNs: openNs + 4 * sealNs,
  };
}
