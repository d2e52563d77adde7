/**
 * The first frame on every TCP connection between nodes: who is calling and what the connection carries.
 * Layout: `['S' 'C' 'X'][version u8][kind u8][address len u8][address UTF-8]` and, for a data connection,
 * `[sessionId 16][channel u16]`, and for a client connection also `[role u8: 0 receive, 1 send]`. Control
 * connections carry every session's control messages between a pair of nodes; a data connection carries one
 * channel of one session (paper 4.3.2: data kept apart from control); a client connection attaches a client to
 * one channel at its SCX, to receive the channel's packets or to send payloads as a source (paper 3.4).
 */

/** Version of the node-to-node protocol; a peer with another version is refused. */
export const NET_VERSION = 1;

/** What a client attached to an SCX does on a channel. */
export type ClientRole = 'receive' | 'send';

/** What a connection carries. */
export type Hello =
  | { readonly kind: 'control'; readonly from: string }
  | { readonly kind: 'data'; readonly from: string; readonly sessionId: Uint8Array; readonly channel: number }
  | { readonly kind: 'client'; readonly from: string; readonly sessionId: Uint8Array; readonly channel: number; readonly role: ClientRole };

const MAGIC = [0x53, 0x43, 0x58];
const KIND_CONTROL = 1;
const KIND_DATA = 2;
const KIND_CLIENT = 3;
const ROLES: readonly ClientRole[] = ['receive', 'send'];

/** Encodes a hello frame's payload. */
export function encodeHello(h: Hello): Uint8Array {
  const addr = Buffer.from(h.from, 'utf8');
  const out = Buffer.alloc(6 + addr.length + (h.kind === 'data' ? 18 : h.kind === 'client' ? 19 : 0));
  out.set(MAGIC, 0);
  out[3] = NET_VERSION;
  out[4] = h.kind === 'control' ? KIND_CONTROL : h.kind === 'data' ? KIND_DATA : KIND_CLIENT;
  out[5] = addr.length;
  out.set(addr, 6);
  if (h.kind !== 'control') {
    out.set(h.sessionId, 6 + addr.length);
    out.writeUInt16BE(h.channel, 6 + addr.length + 16);
  }
  if (h.kind === 'client') out[6 + addr.length + 18] = ROLES.indexOf(h.role);
  return out;
}

/** Decodes a hello; a string says why it was refused. Never throws. */
export function decodeHello(b: Buffer): Hello | string {
  if (b.length < 7 || b[0] !== MAGIC[0] || b[1] !== MAGIC[1] || b[2] !== MAGIC[2]) return 'not a scattercast peer';
  if (b[3] !== NET_VERSION) return `peer speaks protocol version ${b[3]}, this node ${NET_VERSION}`;
  const len = b[5] as number;
  if (len === 0 || b.length < 6 + len) return 'truncated hello';
  const from = b.subarray(6, 6 + len).toString('utf8');
  if (b[4] === KIND_CONTROL && b.length === 6 + len) return { kind: 'control', from };
  if (b[4] === KIND_DATA && b.length === 6 + len + 18) {
    return { kind: 'data', from, sessionId: Buffer.from(b.subarray(6 + len, 22 + len)), channel: b.readUInt16BE(22 + len) };
  }
  const role = ROLES[b[24 + len] as number];
  if (b[4] === KIND_CLIENT && b.length === 6 + len + 19 && role) {
    return { kind: 'client', from, sessionId: Buffer.from(b.subarray(6 + len, 22 + len)), channel: b.readUInt16BE(22 + len), role };
  }
  return 'malformed hello';
}
