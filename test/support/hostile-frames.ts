/**
 * Seeded random input for a live node, of every kind it reads: TCP connections (hellos of every kind, then control
 * frames carrying random and garbled Gossamer and module messages, data packets, payloads, junk) and UDP datagrams
 * (probe packets, DATA, junk). Mostly well-formed, so that it reaches deep into the node; partly garbled or raw.
 */

import fc from 'fast-check';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { gossamerFrame, moduleFrame } from '../../src/net/control-frame.ts';
import { encodeHello, type Hello } from '../../src/net/hello.ts';
import { encodeProbePacket, ProbeType } from '../../src/net/probe-packet.ts';
import { UdpType } from '../../src/net/udp-endpoint.ts';
import { encodeRelease } from '../../src/services/forward/release.ts';
import { encodeNack } from '../../src/services/reliable/nack.ts';
import { encodeDataPacket } from '../../src/session/data-header.ts';
import { messageArb, record } from './gossamer-arbitraries.ts';
import { garbled } from './wire.ts';

/** One thing done to the node: a connection that sends frames (or raw bytes), or a datagram. */
export type HostileAction =
  | { readonly kind: 'frames'; readonly frames: readonly Uint8Array[] }
  | { readonly kind: 'stream'; readonly bytes: Uint8Array }
  | { readonly kind: 'datagram'; readonly bytes: Uint8Array };

/** What the input is aimed at: the node's session, and ids of peers that exist (the node itself, sinks). */
export interface Target {
  readonly sessionId: Uint8Array;
  readonly channel: number;
  readonly peers: readonly string[];
}

/** Ids that are no node's address. */
const BAD_IDS = ['not-an-address', '[::1', 'host:0', 'h:99999', 'h:080', '[10.0.0.1]:80', '-h:1'];

/** Mostly what `good` draws, sometimes garbled, rarely random bytes. */
const mostly = (good: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 2, arbitrary: garbled(good) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) });

/** Actions against `target`, every kind of input. */
export function hostileActionArb(target: Target): fc.Arbitrary<HostileAction> {
  const id = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...target.peers) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_IDS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 }) },
  );
  const sessionId = fc.oneof({ weight: 4, arbitrary: fc.constant(target.sessionId) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 16, maxLength: 16 }) });
  const channel = fc.oneof({ weight: 4, arbitrary: fc.constant(target.channel) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) });
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }));

  const hello = fc
    .oneof(
      record({ kind: fc.constant('control' as const), from: id }),
      record({ kind: fc.constant('data' as const), from: id, sessionId, channel }),
      record({ kind: fc.constant('client' as const), from: id, sessionId, channel, role: fc.constantFrom('receive' as const, 'send' as const) }),
      record({ kind: fc.constant('client' as const), from: id, sessionId, channel, role: fc.constant('send' as const), credential: fc.string({ minLength: 1, maxLength: 124 }) }),
    )
    .map((h: Hello) => encodeHello(h));
  const gossamer = fc.tuple(sessionId, mostly(messageArb(id).map(encodeMessage))).map(([s, m]) => gossamerFrame(s, m));
  const range = record({ first: u32, count: fc.integer({ min: 1, max: 64 }) });
  const moduleMessage = mostly(fc.oneof(id.map(encodeRelease), fc.tuple(id, fc.array(range, { minLength: 1, maxLength: 4 })).map(([s, r]) => encodeNack(s, r))));
  const module = fc.tuple(sessionId, channel, moduleMessage).map(([s, c, m]) => moduleFrame(s, c, m));
  const packet = fc
    .tuple(record({ sessionId, channel, seq: u32, timestampMs: time, source: fc.string({ maxLength: 24 }), sourceScx: id }), fc.uint8Array({ maxLength: 200 }))
    .map(([header, payload]) => encodeDataPacket(header, payload).bytes);
  const frame = fc.oneof(mostly(gossamer), mostly(module), mostly(packet));
  const probe = record({ type: fc.constantFrom(ProbeType.PING, ProbeType.ECHO), nonce: u32, sentMs: time }).map(encodeProbePacket);
  const dataDatagram = packet.map((p) => Uint8Array.of(UdpType.DATA, ...p));

  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(mostly(hello), fc.array(frame, { maxLength: 8 })).map(([h, fs]): HostileAction => ({ kind: 'frames', frames: [h, ...fs] })) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes): HostileAction => ({ kind: 'stream', bytes })) },
    { weight: 4, arbitrary: mostly(fc.oneof(probe, dataDatagram)).map((bytes): HostileAction => ({ kind: 'datagram', bytes })) },
  );
}
