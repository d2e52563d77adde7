/**
 * A client's unicast attachment to one channel at its SCX (paper 3.4): a TCP connection that opens with a client
 * hello. A receiver gets the channel's packets; a sender writes payloads, which the SCX stamps and forwards.
 */

import { connect } from 'node:net';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import { FramedConnection } from '../net/framed-connection.ts';
import { encodeHello, type ClientRole } from '../net/hello.ts';
import { decodeDataPacket, type DataPacket } from '../session/data-header.ts';

/** An open attachment. */
export interface ChannelAttachment {
  /** Sends payloads as one write (senders only). */
  send(payloads: readonly Uint8Array[]): void;
  /** Whether the connection can take more now; `onDrain` says when it can again. */
  readonly writable: boolean;
  onDrain(fn: () => void): void;
  /** Closes the attachment (a sender's queued payloads go out first). */
  close(): void;
  /** Resolves when the connection is gone, with why. */
  readonly closed: Promise<string>;
}

/** Attaches to `channel` of the session `answer` describes, as `role`; `onPacket` gets each packet a receiver gets. */
export function attachChannel(
  answer: JoinAnswer,
  channel: number,
  role: ClientRole,
  onPacket: (packet: DataPacket) => void = () => undefined,
): ChannelAttachment {
  const ch = answer.channels.find((c) => c.id === channel);
  if (!ch) {
    const ids = answer.channels.map((c) => c.id).join(', ');
    throw new ScError(ErrorCode.USAGE, `the session has no channel ${channel} (its channels: ${ids})`);
  }
  const socket = connect({ host: ch.unicast.host, port: ch.unicast.port });
  let resolveClosed: (why: string) => void = () => undefined;
  const closed = new Promise<string>((r) => (resolveClosed = r));
  const conn = new FramedConnection(socket, (why) => resolveClosed(why));
  conn.onFrames((frames) => {
    for (const f of frames) {
      const p = decodeDataPacket(f);
      if (p.ok) onPacket(p.value);
    }
  });
  conn.writeFrames([encodeHello({ kind: 'client', from: `client-${process.pid}`, sessionId: Buffer.from(answer.id, 'hex'), channel, role })]);
  return {
    send: (payloads) => void conn.writeFrames(payloads),
    get writable() {
      return conn.backlog < 1024 * 1024;
    },
    onDrain: (fn) => void socket.on('drain', fn),
    close: () => conn.end(),
    closed,
  };
}
