/**
 * The clients attached to this node's SCXs over unicast (paper 3.4): a receiver gets every packet its channel
 * delivers here, framed as on a data link; a sender's frames are payloads, which the SCX stamps with the
 * scattercast header as the source SCX. A session's SCX advertises itself as a source while a sender is attached.
 */

import type { FramedConnection } from '../net/framed-connection.ts';
import type { Hello } from '../net/hello.ts';
import type { DataPacket } from '../session/data-header.ts';
import type { Logger } from './log.ts';
import type { SessionRuntime } from './session-runtime.ts';

/** A receiver that lets this many bytes pile up unread is cut off, bytes. */
const MAX_CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024;

/** Clients attached to a node. */
export class ClientLinks {
  private readonly receivers = new Map<string, Set<FramedConnection>>();
  private readonly senders = new Map<string, number>();
  /** Clients refused (unknown session or channel) and cut off (too slow). */
  refused = 0;
  cutOff = 0;

  constructor(
    private readonly sessions: ReadonlyMap<string, SessionRuntime>,
    private readonly log: Logger,
  ) {}

  /** A client connection opened with its hello. */
  attach(hello: Extract<Hello, { kind: 'client' }>, conn: FramedConnection, first: Buffer[]): void {
    const hex = Buffer.from(hello.sessionId).toString('hex');
    const s = this.sessions.get(hex);
    if (!s || !s.channels.has(hello.channel)) {
      this.refused++;
      return conn.destroy('no such session or channel here');
    }
    const who = `${hello.from}@${conn.socket.remoteAddress ?? '?'}:${conn.socket.remotePort ?? 0}`;
    this.log('info', 'client attached', { session: s.name, channel: hello.channel, role: hello.role, client: who });
    if (hello.role === 'receive') return this.addReceiver(`${hex}|${hello.channel}`, conn);
    this.senders.set(hex, (this.senders.get(hex) ?? 0) + 1);
    s.becomeSource();
    const onFrames = (frames: Buffer[]): void => s.inject(hello.channel, who, frames);
    conn.onFrames(onFrames);
    if (first.length > 0) onFrames(first);
    conn.socket.once('close', () => {
      const left = (this.senders.get(hex) ?? 1) - 1;
      this.senders.set(hex, left);
      if (left === 0) s.stopSource();
    });
  }

  /** Hands a delivered packet to the channel's receivers. */
  deliver(session: SessionRuntime, channel: number, packet: DataPacket): void {
    // Every packet an SCX forwards comes here: with no receiver attached, build no key.
    if (this.receivers.size === 0) return;
    const set = this.receivers.get(`${session.idHex}|${channel}`);
    if (!set) return;
    for (const conn of set) {
      if (conn.backlog > MAX_CLIENT_BACKLOG_BYTES) {
        this.cutOff++;
        conn.destroy('client too slow');
        continue;
      }
      conn.writeFrames([packet.bytes]);
    }
  }

  /** Receivers attached now. */
  get receiverCount(): number {
    let n = 0;
    for (const set of this.receivers.values()) n += set.size;
    return n;
  }

  /** Senders attached now. */
  get senderCount(): number {
    let n = 0;
    for (const count of this.senders.values()) n += count;
    return n;
  }

  private addReceiver(key: string, conn: FramedConnection): void {
    let set = this.receivers.get(key);
    if (!set) this.receivers.set(key, (set = new Set()));
    set.add(conn);
    conn.onFrames(() => undefined);
    conn.socket.once('close', () => {
      set.delete(conn);
      if (set.size === 0 && this.receivers.get(key) === set) this.receivers.delete(key);
    });
  }
}
