/**
 * The clients attached to this node's SCXs over unicast (paper 3.4): a receiver gets every packet its channel
 * delivers here, framed as on a data link; a sender's frames are payloads, which the SCX stamps with the
 * scattercast header as the source SCX. A session's SCX advertises itself as a source while a sender is attached.
 * A sender must be admitted first (source-admission.ts); a refused one gets one frame, the refusal's error code in
 * ASCII, and the connection is closed. A client whose hello asked for the control path (client-control.ts) also
 * exchanges control bytes with its channel's service module: what it sends goes to `SessionRuntime.onClientControl`
 * under its attachment id (a sender's is the `source` its packets carry), what the module sends comes back here.
 */

import { CONTROL_FRAME, readClientFrame, typedFrame } from '../net/client-control.ts';
import type { FramedConnection } from '../net/framed-connection.ts';
import type { Hello } from '../net/hello.ts';
import type { DataPacket } from '../session/data-header.ts';
import type { Logger } from './log.ts';
import { RateMeter } from './rate-meter.ts';
import type { SessionRuntime } from './session-runtime.ts';
import { SourceAdmission } from './source-admission.ts';

/** A receiver that lets this many bytes pile up unread is cut off, bytes. */
const MAX_CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024;

/** How long a refused sender has to read its refusal and close before the node closes its socket, ms. */
const REFUSAL_LINGER_MS = 1000;

/** One attached client, as the dashboard shows it. */
export interface AttachedClient {
  /** Who the client said it is, and where it connects from. */
  readonly id: string;
  readonly session: string;
  readonly channel: number;
  readonly role: 'receive' | 'send';
  /** Whether it speaks the client control path. */
  readonly control: boolean;
  readonly conn: FramedConnection;
}

/** What the client control path refused or could not deliver. */
export interface ClientControlCounters {
  /** Frames from control-speaking clients with an unknown type byte, or a payload from a receiver. */
  malformed: number;
  /** Control bytes a module sent to a client that is gone or does not speak the control path. */
  undeliverable: number;
}

/** Clients attached to a node. */
export class ClientLinks {
  private readonly receivers = new Map<string, Set<AttachedClient>>();
  private readonly senders = new Map<string, number>();
  /** Control-speaking clients by attachment id. */
  private readonly controlled = new Map<string, AttachedClient>();
  /** The client control path's refusals. */
  readonly control: ClientControlCounters = { malformed: 0, undeliverable: 0 };
  /** Every attached client. */
  readonly attached = new Set<AttachedClient>();
  /** Packets handed to or taken from each client, by client id. */
  readonly traffic = new RateMeter();
  /** Clients refused (unknown session or channel) and cut off (too slow). */
  refused = 0;
  cutOff = 0;

  constructor(
    private readonly sessions: ReadonlyMap<string, SessionRuntime>,
    private readonly log: Logger,
    /** Who may send (default: the secure policy, no secrets); counts the senders refused. */
    readonly sources = new SourceAdmission(),
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
    const admission = hello.role === 'send' ? this.sources.admit(s.announcement, hello.credential, Date.now()) : undefined;
    if (admission?.ok === false) {
      // Logged at most 20 times per 10 s (log.ts), counted by code in /metrics.
      this.log('warn', 'refused a source', { session: s.name, channel: hello.channel, client: who, code: admission.code });
      conn.writeFrames([Buffer.from(admission.code, 'ascii')]);
      conn.end();
      setTimeout(() => conn.socket.destroy(), REFUSAL_LINGER_MS).unref();
      return;
    }
    this.log('info', 'client attached', { session: s.name, channel: hello.channel, role: hello.role, client: who, ...(admission && { admitted: admission.how }) });
    const control = hello.control === true;
    const client: AttachedClient = { id: who, session: s.name, channel: hello.channel, role: hello.role, control, conn };
    this.attached.add(client);
    if (control) this.controlled.set(who, client);
    conn.socket.once('close', () => {
      this.attached.delete(client);
      if (this.controlled.get(who) === client) this.controlled.delete(who);
    });
    const inject = (payloads: Uint8Array[]): void => {
      if (payloads.length === 0) return;
      this.traffic.add(who, payloads.length, payloads.reduce((n, f) => n + f.length, 0));
      s.inject(hello.channel, who, payloads);
    };
    const onFrames = control ? (frames: Buffer[]): void => inject(this.takeControl(s, client, frames)) : hello.role === 'send' ? inject : () => undefined;
    if (hello.role === 'receive') this.addReceiver(`${hex}|${hello.channel}`, client);
    else this.addSender(hex, s, conn);
    conn.onFrames(onFrames);
    if (first.length > 0) onFrames(first);
  }

  /**
   * Control bytes from `session`'s module on `channel` for `client` (an attachment id), or for every control-speaking
   * client of the channel when undefined; counted as undeliverable when nobody takes them.
   */
  sendControl(session: SessionRuntime, channel: number, client: string | undefined, data: Uint8Array): void {
    const to = client === undefined ? [...this.controlled.values()].filter((c) => c.channel === channel && c.session === session.name) : [this.controlled.get(client)];
    const frame = typedFrame(CONTROL_FRAME, data);
    let sent = 0;
    for (const c of to) {
      if (!c || c.channel !== channel || c.session !== session.name || !this.writable(c)) continue;
      c.conn.writeFrames([frame]);
      sent++;
    }
    if (sent === 0) this.control.undeliverable++;
  }

  /** Hands a delivered packet to the channel's receivers. */
  deliver(session: SessionRuntime, channel: number, packet: DataPacket): void {
    // Every packet an SCX forwards comes here: with no receiver attached, build no key.
    if (this.receivers.size === 0) return;
    const set = this.receivers.get(`${session.idHex}|${channel}`);
    if (!set) return;
    for (const c of set) {
      if (!this.writable(c)) continue;
      c.conn.writeFrames([packet.bytes]);
      this.traffic.add(c.id, 1, packet.bytes.length);
    }
  }

  /** Whether `c` keeps up; one that lets MAX_CLIENT_BACKLOG_BYTES pile up unread is cut off. */
  private writable(c: AttachedClient): boolean {
    if (c.conn.backlog <= MAX_CLIENT_BACKLOG_BYTES) return true;
    this.cutOff++;
    c.conn.destroy('client too slow');
    return false;
  }

  /** Hands a control-speaking client's control frames to its module; returns its payloads (a sender's only). */
  private takeControl(s: SessionRuntime, client: AttachedClient, frames: readonly Buffer[]): Uint8Array[] {
    const payloads: Uint8Array[] = [];
    for (const f of frames) {
      const t = readClientFrame(f);
      if (t?.kind === 'control') s.onClientControl(client.channel, client.id, t.body);
      else if (t?.kind === 'payload' && client.role === 'send') payloads.push(t.body);
      else this.control.malformed++;
    }
    return payloads;
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

  /** A sender attached: the session's SCX is a source while one is. */
  private addSender(hex: string, s: SessionRuntime, conn: FramedConnection): void {
    this.senders.set(hex, (this.senders.get(hex) ?? 0) + 1);
    s.becomeSource();
    conn.socket.once('close', () => {
      const left = (this.senders.get(hex) ?? 1) - 1;
      this.senders.set(hex, left);
      if (left === 0) s.stopSource();
    });
  }

  private addReceiver(key: string, client: AttachedClient): void {
    let set = this.receivers.get(key);
    if (!set) this.receivers.set(key, (set = new Set()));
    set.add(client);
    client.conn.socket.once('close', () => {
      set.delete(client);
      if (set.size === 0 && this.receivers.get(key) === set) this.receivers.delete(key);
    });
  }
}
