/**
 * Binary codec of the Gossamer control messages.
 *
 * Every message is `[version u8][type u8][body]`. Body fields use the conventions of core/bytes.ts:
 * big-endian u32 and f64, minimal LEB128 varuint counts, bools as 0/1 bytes, and ids as a varuint
 * UTF-8 byte length (1..MAX_SCX_ID_BYTES) followed by the UTF-8 bytes. Lists are a varuint count
 * followed by the entries. A route is `id source, f64 costMs, varuint n, n × id path`. LEAVE, HEARTBEAT, STATUS
 * and ROUTE_UPDATE may end with origin proofs (origin-proof.ts); without them they are what they always were.
 *
 * The encoding is canonical: a byte string that decodes re-encodes to exactly the same bytes.
 *
 * `encodeMessage` throws an ScError when handed a message it must not send; `decodeMessage` never throws
 * and refuses with the wire codes of core/decoded.ts, like every other format (docs/wire.md).
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';
import { ErrorCode, ScError } from '../../core/errors.ts';
import {
  MAX_ALTERNATIVES,
  MAX_DIGEST_BYTES,
  MAX_KNOWN_ENTRIES,
  MAX_MESSAGE_BYTES,
  MAX_PATH_LENGTH,
  MAX_ROUTES_PER_MESSAGE,
  MAX_SCX_ID_BYTES,
  MAX_WITHDRAWN_PER_MESSAGE,
} from './limits.ts';
import {
  ConnectIntent,
  MessageType,
  type ConnectIntentValue,
  type Message,
  type RouteAdvert,
  type ScxId,
} from './messages.ts';
import { readRouteProofs, readTailProof, writeRouteProofs, writeTailProof } from './origin-proof.ts';

/** The CONNECT intents a peer may send. */
const CONNECT_INTENTS: ReadonlySet<number> = new Set(Object.values(ConnectIntent));

/** Version byte that opens every message. */
export const WIRE_VERSION = 1;

/* ------------------------------------------------------------------------------------------ */
/* Encoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** One writer reused by every call: encoding is synchronous, and `finish()` hands out a copy. */
const writer = new ByteWriter(4096);

function misuse(code: string, reason: string): ScError {
  return new ScError(code, `cannot encode message: ${reason}`);
}

function checkSize(w: ByteWriter): void {
  if (w.length > MAX_MESSAGE_BYTES) {
    throw misuse(ErrorCode.MESSAGE_TOO_LARGE, `more than ${MAX_MESSAGE_BYTES} bytes`);
  }
}

function writeBool(w: ByteWriter, v: boolean, what: string): void {
  if (v !== true && v !== false) throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} is not a boolean`);
  w.bool(v);
}

function writeU32(w: ByteWriter, v: number, what: string): void {
  if (typeof v !== 'number' || v >>> 0 !== v) {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} ${String(v)} is not an integer in 0..2^32-1`);
  }
  w.u32(v);
}

/** Costs and timestamps: finite and non-negative, written as full-precision f64. */
function writeNonNegative(w: ByteWriter, v: number, what: string): void {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} ${String(v)} is not a finite non-negative number`);
  }
  w.f64(v);
}

function writeId(w: ByteWriter, id: ScxId, what: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} is not a non-empty string`);
  }
  let len: number;
  try {
    len = w.string(id);
  } catch {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} is not well-formed UTF-16 (lone surrogate)`);
  }
  if (len > MAX_SCX_ID_BYTES) {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} is ${len} UTF-8 bytes, limit ${MAX_SCX_ID_BYTES}`);
  }
}

function writeIdList(w: ByteWriter, ids: readonly ScxId[], max: number, what: string): void {
  const n = ids.length;
  if (!(n <= max)) throw misuse(ErrorCode.MESSAGE_MALFORMED, `${what} has ${n} entries, limit ${max}`);
  w.varuint(n);
  for (let i = 0; i < n; i++) {
    writeId(w, ids[i]!, what);
    checkSize(w);
  }
}

function writeRoutes(w: ByteWriter, routes: readonly RouteAdvert[]): void {
  const n = routes.length;
  if (!(n <= MAX_ROUTES_PER_MESSAGE)) {
    throw misuse(ErrorCode.MESSAGE_MALFORMED, `${n} routes, limit ${MAX_ROUTES_PER_MESSAGE}`);
  }
  w.varuint(n);
  for (let i = 0; i < n; i++) {
    const route = routes[i]!;
    writeId(w, route.source, 'route source');
    writeNonNegative(w, route.costMs, 'route cost');
    writeIdList(w, route.path, MAX_PATH_LENGTH, 'route path');
    checkSize(w);
  }
}

/**
 * Encodes `msg` as `[WIRE_VERSION][type][body]`. Throws an ScError (code ERR_MESSAGE_MALFORMED or
 * ERR_MESSAGE_TOO_LARGE) for a message the decoder would reject: an empty or over-long id, a list
 * past its limit, a negative or non-finite cost or timestamp, a nonce or seq outside u32, a string
 * with a lone surrogate, an unknown type, or more than MAX_MESSAGE_BYTES in all.
 */
export function encodeMessage(msg: Message): Uint8Array {
  const w = writer;
  w.reset();
  try {
    w.u8(WIRE_VERSION);
    switch (msg.type) {
      case MessageType.DISCOVERY:
        w.u8(msg.type);
        writeIdList(w, msg.known, MAX_KNOWN_ENTRIES, 'known');
        if (!(msg.digest instanceof Uint8Array) || msg.digest.length > MAX_DIGEST_BYTES) {
          throw misuse(ErrorCode.MESSAGE_MALFORMED, `digest must be a Uint8Array of at most ${MAX_DIGEST_BYTES} bytes`);
        }
        w.bytes(msg.digest);
        break;
      case MessageType.DISCOVERY_RESPONSE:
        w.u8(msg.type);
        writeIdList(w, msg.known, MAX_KNOWN_ENTRIES, 'known');
        break;
      case MessageType.REQUEST_STATUS:
      case MessageType.PING:
      case MessageType.PONG:
        w.u8(msg.type);
        writeU32(w, msg.nonce, 'nonce');
        break;
      case MessageType.STATUS:
        w.u8(msg.type);
        writeU32(w, msg.nonce, 'nonce');
        writeBool(w, msg.canAccept, 'canAccept');
        writeBool(w, msg.canEvict, 'canEvict');
        writeRoutes(w, msg.routes);
        writeRouteProofs(w, msg.routes);
        break;
      case MessageType.CONNECT:
        w.u8(msg.type);
        if (!CONNECT_INTENTS.has(msg.intent)) {
          throw misuse(ErrorCode.MESSAGE_MALFORMED, `CONNECT intent ${String(msg.intent)} is not one of ConnectIntent`);
        }
        w.u8(msg.intent);
        break;
      case MessageType.CONNECT_ACK:
        w.u8(msg.type);
        writeBool(w, msg.accepted, 'accepted');
        writeIdList(w, msg.alternatives, MAX_ALTERNATIVES, 'alternatives');
        break;
      case MessageType.DISCONNECT:
      case MessageType.KEEPALIVE:
        w.u8(msg.type);
        break;
      case MessageType.ROUTE_UPDATE:
        w.u8(msg.type);
        writeBool(w, msg.full, 'full');
        writeRoutes(w, msg.routes);
        writeIdList(w, msg.withdrawn, MAX_WITHDRAWN_PER_MESSAGE, 'withdrawn');
        writeRouteProofs(w, msg.routes);
        break;
      case MessageType.LEAVE:
        w.u8(msg.type);
        writeId(w, msg.scx, 'scx');
        writeNonNegative(w, msg.timestampMs, 'timestamp');
        writeId(w, msg.origin, 'origin');
        writeTailProof(w, msg.proof);
        break;
      case MessageType.HEARTBEAT:
        w.u8(msg.type);
        writeId(w, msg.generator, 'generator');
        writeU32(w, msg.seq, 'seq');
        writeTailProof(w, msg.proof);
        break;
      default:
        throw misuse(ErrorCode.MESSAGE_MALFORMED, `unknown message type ${String((msg as { type: unknown }).type)}`);
    }
  } catch (err) {
    if (err instanceof ScError) throw err;
    // A field of the wrong runtime type (the compiler normally prevents it): still an ScError.
    throw misuse(ErrorCode.MESSAGE_MALFORMED, err instanceof Error ? err.message : 'invalid field');
  }
  checkSize(w);
  return w.finish();
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */

function readId(r: ByteReader, what: string): ScxId {
  const start = r.offset;
  const id = r.string(MAX_SCX_ID_BYTES, what);
  if (id.length === 0) throw new DecodeError(WireCode.RANGE, `${what} at offset ${start} is empty`);
  return id;
}

/** Smallest encoded id: one length byte and one byte of UTF-8. */
const MIN_ID_BYTES = 2;

function readIdList(r: ByteReader, max: number, what: string): ScxId[] {
  const start = r.offset;
  const n = r.varuint();
  if (n > max) throw new DecodeError(WireCode.OVERSIZE, `${what} at offset ${start}: ${n} entries exceed limit ${max}`);
  if (n * MIN_ID_BYTES > r.remaining) {
    throw new DecodeError(WireCode.TRUNCATED, `truncated: ${what} at offset ${start} announces ${n} entries, ${r.remaining} bytes left`);
  }
  const ids: ScxId[] = [];
  for (let i = 0; i < n; i++) ids.push(readId(r, what));
  return ids;
}

/** Smallest encoded route: an id, an f64 and an empty path's count byte. */
const MIN_ROUTE_BYTES = MIN_ID_BYTES + 8 + 1;

function readRoutes(r: ByteReader): RouteAdvert[] {
  const start = r.offset;
  const n = r.varuint();
  if (n > MAX_ROUTES_PER_MESSAGE) {
    throw new DecodeError(WireCode.OVERSIZE, `routes at offset ${start}: ${n} entries exceed limit ${MAX_ROUTES_PER_MESSAGE}`);
  }
  if (n * MIN_ROUTE_BYTES > r.remaining) {
    throw new DecodeError(WireCode.TRUNCATED, `truncated: routes at offset ${start} announce ${n} entries, ${r.remaining} bytes left`);
  }
  const routes: RouteAdvert[] = [];
  for (let i = 0; i < n; i++) {
    const source = readId(r, 'route source');
    const costMs = r.nonNegative('route cost');
    const path = readIdList(r, MAX_PATH_LENGTH, 'route path');
    routes.push({ source, costMs, path });
  }
  return routes;
}

function readBody(r: ByteReader, type: number): Message {
  switch (type) {
    case MessageType.DISCOVERY:
      return {
        type: MessageType.DISCOVERY,
        known: readIdList(r, MAX_KNOWN_ENTRIES, 'known'),
        digest: r.bytes(MAX_DIGEST_BYTES, 'digest'),
      };
    case MessageType.DISCOVERY_RESPONSE:
      return { type: MessageType.DISCOVERY_RESPONSE, known: readIdList(r, MAX_KNOWN_ENTRIES, 'known') };
    case MessageType.REQUEST_STATUS:
      return { type: MessageType.REQUEST_STATUS, nonce: r.u32() };
    case MessageType.STATUS: {
      const nonce = r.u32();
      const canAccept = r.bool();
      const canEvict = r.bool();
      const routes = readRouteProofs(r, readRoutes(r));
      return { type: MessageType.STATUS, nonce, canAccept, canEvict, routes };
    }
    case MessageType.CONNECT:
      const intent = r.u8();
      if (!CONNECT_INTENTS.has(intent)) throw new DecodeError(WireCode.RANGE, `unknown CONNECT intent ${intent}`);
      return { type: MessageType.CONNECT, intent: intent as ConnectIntentValue };
    case MessageType.CONNECT_ACK: {
      const accepted = r.bool();
      const alternatives = readIdList(r, MAX_ALTERNATIVES, 'alternatives');
      return { type: MessageType.CONNECT_ACK, accepted, alternatives };
    }
    case MessageType.DISCONNECT:
      return { type: MessageType.DISCONNECT };
    case MessageType.ROUTE_UPDATE: {
      const full = r.bool();
      const routes = readRoutes(r);
      const withdrawn = readIdList(r, MAX_WITHDRAWN_PER_MESSAGE, 'withdrawn');
      return { type: MessageType.ROUTE_UPDATE, full, routes: readRouteProofs(r, routes), withdrawn };
    }
    case MessageType.LEAVE: {
      const scx = readId(r, 'scx');
      const timestampMs = r.nonNegative('timestamp');
      const origin = readId(r, 'origin');
      return { type: MessageType.LEAVE, scx, timestampMs, origin, ...readTailProof(r) };
    }
    case MessageType.HEARTBEAT: {
      const generator = readId(r, 'generator');
      const seq = r.u32();
      return { type: MessageType.HEARTBEAT, generator, seq, ...readTailProof(r) };
    }
    case MessageType.KEEPALIVE:
      return { type: MessageType.KEEPALIVE };
    case MessageType.PING:
      return { type: MessageType.PING, nonce: r.u32() };
    case MessageType.PONG:
      return { type: MessageType.PONG, nonce: r.u32() };
    default:
      throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown message type ${type}`);
  }
}

/** Reads one whole message: version, type, body, nothing after. */
function readMessage(r: ByteReader): Message {
  if (r.remaining > MAX_MESSAGE_BYTES) {
    throw new DecodeError(WireCode.OVERSIZE, `${r.remaining} bytes exceed limit ${MAX_MESSAGE_BYTES}`);
  }
  if (r.remaining === 0) throw new DecodeError(WireCode.TRUNCATED, 'empty message');
  const version = r.u8();
  if (version !== WIRE_VERSION) throw new DecodeError(WireCode.VERSION, `wire version ${version}, expected ${WIRE_VERSION}`);
  const type = r.u8();
  const message = readBody(r, type);
  r.end(`message of type ${type}`);
  return message;
}

/**
 * Decodes one message from exactly `bytes`. Never throws: anything that is not exactly one well-formed
 * message within the limits is refused with a WireCode (ERR_WIRE_OVERSIZE past MAX_MESSAGE_BYTES or a list
 * limit, ERR_WIRE_VERSION, ERR_WIRE_UNKNOWN_TYPE, ERR_WIRE_TRUNCATED, ERR_WIRE_TRAILING, ERR_WIRE_RANGE for
 * empty ids, bad numbers, bools and intents, ERR_WIRE_UTF8, ERR_WIRE_NONCANONICAL for non-minimal varuints).
 */
export function decodeMessage(bytes: Uint8Array): Decoded<Message> {
  return decodeWith(bytes, readMessage);
}
