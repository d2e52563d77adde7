/**
 * Authenticated UDP between nodes. Every datagram to a peer ends with a 16-byte tag, HMAC-SHA256 of the datagram
 * truncated, keyed per pair of nodes and per direction. The key comes from the mutually authenticated TLS control
 * connection between the two (its exporter, RFC 5705/8446 7.5): only the two nodes know it, so a datagram that
 * verifies was sent by the peer its source address names. A control connection made afresh brings a new key; the
 * key before it still verifies, so the two ends need not switch at the same instant.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of a datagram's tag. */
export const UDP_TAG_BYTES = 16;

/** Bytes of keying material taken from a TLS connection. */
export const EXPORTED_KEY_BYTES = 32;

/** The exporter label (RFC 8446 7.5) of the UDP keys. */
export const UDP_KEY_LABEL = 'EXPORTER-scattercast-udp';

interface PeerKeys {
  readonly send: Buffer;
  readonly receive: readonly Buffer[];
}

/** The UDP keys of a node's peers, one entry per peer with a verified control connection (bounded by them). */
export class UdpKeys {
  private readonly keys = new Map<string, PeerKeys>();

  constructor(private readonly self: string) {}

  /** A verified control connection to `peer` exported `material`: the keys both ways from now on. */
  set(peer: string, material: Buffer): void {
    const old = this.keys.get(peer);
    const receive = derive(material, peer);
    this.keys.set(peer, { send: derive(material, this.self), receive: old ? [receive, old.receive[0] as Buffer] : [receive] });
  }

  /** Forgets `peer` (its control connection is gone for good). */
  delete(peer: string): void {
    this.keys.delete(peer);
  }

  /** `datagram` with its tag for `peer`; undefined if there is no key to `peer` yet. */
  seal(peer: string, datagram: Uint8Array): Buffer | undefined {
    const k = this.keys.get(peer);
    if (!k) return undefined;
    return Buffer.concat([datagram, tag(k.send, datagram)]);
  }

  /** The datagram from `peer` without its tag if the tag verifies; undefined if it does not or there is no key. */
  open(peer: string, sealed: Buffer): Buffer | undefined {
    const k = this.keys.get(peer);
    if (!k || sealed.length <= UDP_TAG_BYTES) return undefined;
    const body = sealed.subarray(0, sealed.length - UDP_TAG_BYTES);
    const got = sealed.subarray(sealed.length - UDP_TAG_BYTES);
    return k.receive.some((key) => timingSafeEqual(tag(key, body), got)) ? body : undefined;
  }

  /** Peers with keys. */
  get size(): number {
    return this.keys.size;
  }
}

/** The key of datagrams sent by `sender`. */
function derive(material: Buffer, sender: string): Buffer {
  return createHmac('sha256', material).update(`scattercast udp from ${sender}`).digest();
}

function tag(key: Buffer, datagram: Uint8Array): Buffer {
  return createHmac('sha256', key).update(datagram).digest().subarray(0, UDP_TAG_BYTES);
}
