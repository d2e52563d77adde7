/**
 * The first frame on every TCP connection between nodes: who is calling and what the connection carries.
 * Layout: `['S' 'C' 'X'][version u8][kind u8][address len u8][address UTF-8]` and, for a data connection,
 * `[sessionId 16][channel u16]`, and for a client connection also `[role u8: 0 receive, 1 send; + 0x80 when a
 * credential follows; + 0x40 when the client speaks the control path]` and then, with 0x80, `[credential len u8
 * 1..255][credential UTF-8]`. A client with 0x40 opens each of its frames with a type byte (client-control.ts). Control
 * connections carry every session's control messages between a pair of nodes; a data connection carries one
 * channel of one session (paper 4.3.2: data kept apart from control); a client connection attaches a client to
 * one channel at its SCX, to receive the channel's packets or to send payloads as a source (paper 3.4); a source
 * presents its credential (a source token or a per-session secret, docs/security.md). See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../core/bytes.ts';
import { WireCode, type Decoded } from '../core/decoded.ts';
import { SESSION_ID_BYTES } from '../session/data-header.ts';

/** Version of the node-to-node protocol; a peer with another version is refused. */
export const NET_VERSION = 1;

/** What a client attached to an SCX does on a channel. */
export type ClientRole = 'receive' | 'send';

/** What a connection carries. */
export type Hello =
  | { readonly kind: 'control'; readonly from: string }
  | { readonly kind: 'data'; readonly from: string; readonly sessionId: Uint8Array; readonly channel: number }
  | {
      readonly kind: 'client';
      readonly from: string;
      readonly sessionId: Uint8Array;
      readonly channel: number;
      readonly role: ClientRole;
      /** A source token's text or a per-session secret, 1..255 bytes of UTF-8 (absent: none). */
      readonly credential?: string;
      /** The client speaks the client control path: its frames open with a type byte (default false). */
      readonly control?: boolean;
    };

/** 'SCX': opens every hello. */
const MAGIC = Uint8Array.of(0x53, 0x43, 0x58);
const KINDS: readonly Hello['kind'][] = ['control', 'data', 'client'];
const ROLES: readonly ClientRole[] = ['receive', 'send'];
/** Set in the role byte when a credential follows. */
const WITH_CREDENTIAL = 0x80;
/** Set in the role byte when the client speaks the control path. */
const WITH_CONTROL = 0x40;

/** Encodes a hello frame's payload. Throws RangeError on an address or credential of 0 or over 255 bytes, a bad id or channel. */
export function encodeHello(h: Hello): Uint8Array {
  const w = new ByteWriter(64);
  w.raw(MAGIC);
  w.u8(NET_VERSION);
  w.u8(KINDS.indexOf(h.kind) + 1);
  w.shortString(h.from, 1);
  if (h.kind !== 'control') {
    w.raw(h.sessionId, SESSION_ID_BYTES);
    w.u16(h.channel);
  }
  if (h.kind === 'client') {
    const role = ROLES.indexOf(h.role);
    if (role < 0) throw new RangeError(`client role ${String(h.role)} is neither receive nor send`);
    w.u8(role | (h.credential === undefined ? 0 : WITH_CREDENTIAL) | (h.control === true ? WITH_CONTROL : 0));
    if (h.credential !== undefined) w.shortString(h.credential, 1);
  }
  return w.finish();
}

function readHello(r: ByteReader): Hello {
  for (const m of MAGIC) if (r.u8() !== m) throw new DecodeError(WireCode.MAGIC, 'not a scattercast peer');
  const version = r.u8();
  if (version !== NET_VERSION) {
    throw new DecodeError(WireCode.VERSION, `peer speaks protocol version ${version}, this node ${NET_VERSION}`);
  }
  const kindByte = r.u8();
  const kind = KINDS[kindByte - 1];
  if (kind === undefined) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown hello kind ${kindByte}`);
  const from = r.shortString('address', 1);
  if (kind === 'control') {
    r.end('hello');
    return { kind, from };
  }
  // A copy: the session id outlives the frame, which may be a view of a larger read.
  const sessionId = new Uint8Array(r.view(SESSION_ID_BYTES, 'session id'));
  const channel = r.u16();
  if (kind === 'data') {
    r.end('hello');
    return { kind, from, sessionId, channel };
  }
  const roleByte = r.u8();
  const role = ROLES[roleByte & ~(WITH_CREDENTIAL | WITH_CONTROL)];
  if (role === undefined) throw new DecodeError(WireCode.RANGE, `client role ${roleByte} is neither 0 nor 1 (+ 0x80 with a credential, + 0x40 with control)`);
  const control = (roleByte & WITH_CONTROL) !== 0 ? { control: true } : {};
  if ((roleByte & WITH_CREDENTIAL) === 0) {
    r.end('hello');
    return { kind, from, sessionId, channel, role, ...control };
  }
  const credential = r.shortString('credential', 1);
  r.end('hello');
  return { kind, from, sessionId, channel, role, credential, ...control };
}

/** Decodes a hello. Never throws. */
export function decodeHello(b: Uint8Array): Decoded<Hello> {
  return decodeWith(b, readHello);
}
