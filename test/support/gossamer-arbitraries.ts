/** fast-check arbitraries of Gossamer messages, over any arbitrary of SCX ids (the codec's random text, a live node's peers). */

import fc from 'fast-check';
import { MAX_ALTERNATIVES } from '../../src/gossamer/wire/limits.ts';
import { ConnectIntent, MessageType, type Message, type RouteAdvert } from '../../src/gossamer/wire/messages.ts';

/** fc.record, minus its null-prototype objects (deepStrictEqual compares prototypes). */
export function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const nonNegativeArb = fc.oneof(
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 10_000 }),
  fc.constantFrom(0, -0, Number.MAX_VALUE, Number.MIN_VALUE),
);
const u32Arb = fc.integer({ min: 0, max: 0xffffffff });

/** Any well-formed Gossamer message of any type, its SCX ids drawn from `idArb`. */
export function messageArb(idArb: fc.Arbitrary<string>): fc.Arbitrary<Message> {
  const idsArb = (maxLength: number): fc.Arbitrary<string[]> => fc.array(idArb, { maxLength });
  const routeArb: fc.Arbitrary<RouteAdvert> = record({ source: idArb, costMs: nonNegativeArb, path: idsArb(6) });
  const routesArb = fc.array(routeArb, { maxLength: 8 });
  return fc.oneof(
    record({ type: fc.constant(MessageType.DISCOVERY), known: idsArb(20), digest: fc.uint8Array({ maxLength: 64 }) }),
    record({ type: fc.constant(MessageType.DISCOVERY_RESPONSE), known: idsArb(20) }),
    record({ type: fc.constant(MessageType.REQUEST_STATUS), nonce: u32Arb }),
    record({ type: fc.constant(MessageType.STATUS), nonce: u32Arb, canAccept: fc.boolean(), canEvict: fc.boolean(), routes: routesArb }),
    record({ type: fc.constant(MessageType.CONNECT), intent: fc.constantFrom(...Object.values(ConnectIntent)) }),
    record({ type: fc.constant(MessageType.CONNECT_ACK), accepted: fc.boolean(), alternatives: idsArb(MAX_ALTERNATIVES) }),
    record({ type: fc.constant(MessageType.DISCONNECT) }),
    record({ type: fc.constant(MessageType.ROUTE_UPDATE), full: fc.boolean(), routes: routesArb, withdrawn: idsArb(10) }),
    record({ type: fc.constant(MessageType.LEAVE), scx: idArb, timestampMs: nonNegativeArb, origin: idArb }),
    record({ type: fc.constant(MessageType.HEARTBEAT), generator: idArb, seq: u32Arb }),
    record({ type: fc.constant(MessageType.KEEPALIVE) }),
    record({ type: fc.constant(MessageType.PING), nonce: u32Arb }),
    record({ type: fc.constant(MessageType.PONG), nonce: u32Arb }),
  );
}
