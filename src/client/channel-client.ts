/**
 * A client's unicast attachment to one channel at its SCX (paper 3.4): a TCP connection that opens with a client
 * hello. A receiver gets the channel's packets; a sender presents its credential (a source token or the session's
 * secret) and writes payloads, which the SCX stamps and forwards. An SCX that refuses a sender sends it one frame,
 * the refusal's error code in ASCII, and closes. A client that takes control bytes (`onControl`) asks for the client
 * control path in its hello and exchanges bytes with the channel's service module (src/net/client-control.ts).
 */

import { connect } from 'node:net';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import { FramedConnection } from '../net/framed-connection.ts';
import { CONTROL_FRAME, PAYLOAD_FRAME, typedFrame } from '../net/client-control.ts';
import { encodeHello, type ClientRole } from '../net/hello.ts';
import { decodeDataPacket, type DataPacket } from '../session/data-header.ts';

/** An open attachment. */
export interface ChannelAttachment {
  /** Sends payloads as one write (senders only). */
  send(payloads: readonly Uint8Array[]): void;
  /** Sends control bytes to the channel's service module at the SCX (an attachment opened with `onControl` only). */
  sendControl(data: Uint8Array): void;
  /** Whether the connection can take more now; `onDrain` says once when it can again. */
  readonly writable: boolean;
  onDrain(fn: () => void): void;
  /** Closes the attachment (a sender's queued payloads go out first). */
  close(): void;
  /** Resolves when the connection is gone, with why. */
  readonly closed: Promise<string>;
  /** The error code the SCX refused this sender with (`ERR_SOURCE_...`), once it has. */
  readonly refusal: string | undefined;
}

/** What a refusal frame may hold: an error code. */
const REFUSAL = /^ERR_[A-Z0-9_]{1,60}$/;

/** Bytes written but not yet sent past which an attachment is not writable. */
const WRITABLE_BACKLOG_BYTES = 1024 * 1024;

/**
 * Attaches to `channel` of the session `answer` describes, as `role`; `onPacket` gets each packet a receiver gets;
 * `credential`: a sender's source token or the session's secret (docs/security.md); `onControl`, when given, gets
 * the control bytes the channel's module sends this client (and opens the control path).
 */
export function attachChannel(
  answer: JoinAnswer,
  channel: number,
  role: ClientRole,
  onPacket: (packet: DataPacket) => void = () => undefined,
  credential?: string,
  onControl?: (data: Uint8Array) => void,
): ChannelAttachment {
  const ch = answer.channels.find((c) => c.id === channel);
  if (!ch) {
    const ids = answer.channels.map((c) => c.id).join(', ');
    throw new ScError(ErrorCode.USAGE, `the session has no channel ${channel} (its channels: ${ids})`);
  }
  const socket = connect({ host: ch.unicast.host, port: ch.unicast.port });
  let resolveClosed: (why: string) => void = () => undefined;
  const closed = new Promise<string>((r) => (resolveClosed = r));
  let refusal: string | undefined;
  const conn = new FramedConnection(socket, (why) => resolveClosed(refusal === undefined ? why : `refused as a source: ${refusal}`));
  const control = onControl !== undefined;
  conn.onFrames((frames) => {
    for (const f of frames) {
      if (control && f[0] === CONTROL_FRAME) {
        onControl(f.subarray(1));
        continue;
      }
      if (role === 'send') {
        const text = f.toString('latin1');
        refusal ??= REFUSAL.test(text) ? text : ErrorCode.ATTACH_FAILED;
        continue;
      }
      const p = decodeDataPacket(f);
      if (p.ok) onPacket(p.value);
    }
  });
  const from = `client-${process.pid}`;
  conn.writeFrames([encodeHello({ kind: 'client', from, sessionId: Buffer.from(answer.id, 'hex'), channel, role, ...(credential !== undefined && { credential }), ...(control && { control }) })]);
  return {
    get refusal() {
      return refusal;
    },
    send: (payloads) => void conn.writeFrames(control ? payloads.map((p) => typedFrame(PAYLOAD_FRAME, p)) : payloads),
    sendControl: (data) => {
      if (!control) throw new ScError(ErrorCode.USAGE, 'this attachment was opened without onControl: it has no control path');
      conn.writeFrames([typedFrame(CONTROL_FRAME, data)]);
    },
    get writable() {
      return conn.backlog < WRITABLE_BACKLOG_BYTES;
    },
    onDrain: (fn) => void socket.once('drain', fn),
    close: () => conn.end(),
    closed,
  };
}
