/**
 * A node process's core: it hosts the SCXs of many sessions over one TCP listener (control connections shared
 * by all sessions, data connections per channel), one UDP socket (probe and UDP channels) and one probe module
 * whose RTT cache every session shares. Every callback a socket event or a timer runs goes through the node's
 * guard: an exception nobody expected is counted (`guard.caught`) and logged, and the node goes on.
 */

import type { GossamerConfig } from '../gossamer/config.ts';
import { decodeControlFrame, gossamerFrame, moduleFrame } from '../net/control-frame.ts';
import { formatAddress, type Address } from '../net/address.ts';
import type { FramedConnection } from '../net/framed-connection.ts';
import { DialBudget } from '../net/dial-budget.ts';
import { Guard } from '../net/guard.ts';
import type { Hello } from '../net/hello.ts';
import { Probe, type ProbeModule, type ProbeOptions } from '../net/probe.ts';
import { PeerTrust } from '../net/peer-trust.ts';
import { TcpEndpoint } from '../net/tcp-endpoint.ts';
import { UdpEndpoint, UdpType } from '../net/udp-endpoint.ts';
import { UdpKeys } from '../net/udp-keys.ts';
import type { Announcement } from '../session/announcement.ts';
import { decodeDataPacket, type DataPacket } from '../session/data-header.ts';
import { sessionIdHex } from '../session/name.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { ServiceRegistry } from '../transport/registry.ts';
import { ClientLinks } from './client-links.ts';
import { SourceAdmission, type SourcePolicy } from './source-admission.ts';
import { DataLinks } from './data-links.ts';
import { DataWatchdog, type WatchedLink } from './data-watchdog.ts';
import { ForgedStateRefusals } from './forged-state.ts';
import { DEFAULT_NODE_LIMITS, type NodeLimits } from './limits.ts';
import { VerifyBudget } from './verify-budget.ts';
import { LocalMulticast, type MulticastOptions } from './local-multicast.ts';
import type { Logger } from './log.ts';
import { NodeHistograms } from './node-histograms.ts';
import { RateMeter } from './rate-meter.ts';
import { SessionCap } from './session-cap.ts';
import { SessionRuntime } from './session-runtime.ts';
import { SharedProbe, type SharedProbeOptions } from '../cluster/shared-probe.ts';
import { EmulatedReceive } from './emulated-receive.ts';
import { Uplinks } from './uplinks.ts';
import type { UplinkConfig } from './uplinks-config.ts';
import { LinkEmulator, type EmulatorConfig } from './link-emulator.ts';
import { emulateLogFields } from './link-emulator-config.ts';
import type { NodeIdentity } from '../trust/node-identity.ts';

/** Options of a node. */
export interface ScxNodeOptions {
  /** Where the node listens (TCP and UDP, same port). */
  readonly listen: Address;
  /** The address peers reach this node at (its SCX id in every session); default: `listen`. */
  readonly advertise?: string;
  /** Protocol parameters of every session's Gossamer core. */
  readonly gossamer: Partial<GossamerConfig>;
  readonly probe?: ProbeOptions;
  /** Ask the cluster's prober for RTTs instead of measuring here (default: measure here). */
  readonly sharedProbe?: SharedProbeOptions;
  /** Seed of the sessions' PRNGs (each session mixes in its id). */
  readonly seed: number;
  readonly registry: ServiceRegistry;
  readonly log: Logger;
  /** Serve channels on local multicast groups too (default: unicast only). */
  readonly multicast?: MulticastOptions;
  /** Who may attach as a source: `trust.insecure` and `trust.sourceSecrets` (default: secure, no secrets). */
  readonly sources?: SourcePolicy;
  /** What the node grants strangers (default: DEFAULT_NODE_LIMITS). */
  readonly limits?: NodeLimits;
  /** Silence on a TCP data connection after which it is reset and its upstream routed around, ms (default 1200). */
  readonly dataLinkSilenceMs?: number;
  /** The node's key and credential: links are mutual TLS under its overlay (default: none, insecure plaintext). */
  readonly identity?: NodeIdentity;
  /** Emulated distance to peers: what arrives from them is delayed, thinned and throttled (default: off). */
  readonly emulate?: EmulatorConfig;
  /** Paced uplinks: data rates to peers and the sessions' weights on them (default: unpaced). */
  readonly uplinks?: UplinkConfig;
}

/** A PING or ECHO datagram's bytes (type, nonce, sent time: probe-packet.ts), as the link emulator counts them. */
const PROBE_DATAGRAM_BYTES = 13;

/** Called with every packet a session delivers to this node's local clients. */
export type DeliveryListener = (session: SessionRuntime, channel: number, packet: DataPacket) => void;

/** Counters of the node as a whole. */
export interface NodeCounters {
  /** Control frames for a session this node does not host. */
  unknownSession: number;
  /** Control frames or data packets that failed to decode. */
  malformed: number;
  /** Sessions that failed (an exception in their code). */
  sessionsFailed: number;
}

/** One node: many sessions' SCXs. */
export class ScxNode {
  readonly self: string;
  readonly sessions = new Map<string, SessionRuntime>();
  readonly counters: NodeCounters = { unknownSession: 0, malformed: 0, sessionsFailed: 0 };
  readonly probe: ProbeModule;
  readonly tcp: TcpEndpoint;
  readonly udp: UdpEndpoint;
  readonly dataLinks: DataLinks;
  /** Keepalives and silence on the TCP data connections (the data plane's liveness). */
  readonly watchdog: DataWatchdog;
  /** Clients attached over unicast. */
  readonly clients: ClientLinks;
  /** Data received from each peer, all sessions together. */
  readonly received = new RateMeter();
  /** Local multicast, if the node serves it. */
  readonly multicast: LocalMulticast | undefined;
  /** Probe RTTs and sampled relay delays, for /metrics. */
  readonly histograms = new NodeHistograms();
  /** Runs the callbacks of sockets and timers; counts what they throw. */
  readonly guard: Guard;
  /** What the node grants strangers. */
  readonly limits: NodeLimits;
  /** Contacts (TCP dials, first probes) to addresses that never answered: a budget a second. */
  readonly dialBudget: DialBudget;
  /** The sessions this node hosts, at most `limits.sessionsPerNode`; counts the joins it refused. */
  readonly sessionCap: SessionCap;
  /** LEAVEs, HEARTBEATs and source adverts refused for a missing, invalid or stale origin proof (a secure node). */
  readonly forgedState: ForgedStateRefusals;
  /** The link emulator, when the config asks for one: everything that arrives from an emulated peer waits in it. */
  readonly emulated: EmulatedReceive | undefined;
  /** The paced uplinks (config `uplinks`): data to a peer with a rate leaves at that rate, by fair share. */
  readonly uplinks: Uplinks;
  /** Signature checks of gossip state granted each peer. */
  private readonly verifyBudget = new VerifyBudget();
  private readonly listeners: DeliveryListener[] = [];
  private stopped = false;
  private rateTimer: NodeJS.Timeout | undefined;

  /** Whether node links are mutual TLS under an overlay (false: plaintext, insecure). */
  get secure(): boolean {
    return this.o.identity !== undefined;
  }

  constructor(private readonly o: ScxNodeOptions) {
    this.self = o.advertise ?? formatAddress(o.listen);
    this.limits = o.limits ?? DEFAULT_NODE_LIMITS;
    this.sessionCap = new SessionCap(this.limits.sessionsPerNode, this.sessions, 'this node hosts');
    this.dialBudget = new DialBudget(this.limits.unprovenDialsPerSecond);
    this.forgedState = new ForgedStateRefusals(o.log);
    const log = o.log;
    const guard = new Guard((where, err) =>
      log('error', 'a callback threw; counted and dropped, the node goes on', { where, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
    this.guard = guard;
    const udpKeys = o.identity ? new UdpKeys(this.self) : undefined;
    const emu = o.emulate && new EmulatedReceive(new LinkEmulator(o.emulate), guard);
    this.emulated = emu;
    this.tcp = new TcpEndpoint({
      self: this.self,
      onControl: (from, frame) => this.onControl(from, frame),
      onPeerRefused: (peer) => {
        for (const s of this.sessions.values()) s.refused(peer);
      },
      onPeerLost: (peer) => {
        for (const s of this.sessions.values()) s.suspect(peer);
      },
      onDataConnection: (hello, conn, first) => this.onDataConnection(hello, conn, first),
      onClientConnection: (hello, conn, first) => this.clients.attach(hello, conn, first),
      accept: this.limits,
      helloDeadlineMs: this.limits.helloDeadlineMs,
      controlBytesPerSecond: this.limits.controlBytesPerSecond,
      dialBudget: this.dialBudget,
      ...(o.identity && { trust: new PeerTrust(o.identity) }),
      ...(udpKeys && { onLinkKey: (peer: string, material: Buffer) => udpKeys.set(peer, material) }),
      ...(emu && { receiveStream: (peer: string, conn: FramedConnection, handle: (frames: Buffer[]) => void) => emu.stream(peer, conn, handle) }),
      log,
      guard,
    });
    this.udp = new UdpEndpoint({
      onProbe: emu
        ? (from, type, nonce, sentMs) => emu.datagram(from, PROBE_DATAGRAM_BYTES, () => this.onProbe(from, type, nonce, sentMs))
        : (from, type, nonce, sentMs) => this.onProbe(from, type, nonce, sentMs),
      onData: emu ? (from, bytes) => emu.datagram(from, 1 + bytes.length, () => this.onUdpData(from, bytes)) : (from, bytes) => this.onUdpData(from, bytes),
      ...(udpKeys && { keys: udpKeys }),
      log,
      guard,
    });
    const onRtt = (peer: string, rtt: number): void => {
      for (const s of this.sessions.values()) s.setLinkCost(peer, rtt);
    };
    const isWanted = (peer: string): boolean => [...this.sessions.values()].some((s) => s.gossamer.membership.has(peer));
    this.probe = o.sharedProbe ? new SharedProbe(this.udp, onRtt, isWanted, o.sharedProbe, log, guard) : new Probe(this.udp, onRtt, isWanted, guard, this.dialBudget, o.probe);
    this.clients = new ClientLinks(this.sessions, log, new SourceAdmission(o.sources));
    this.listeners.push((s, channel, packet) => this.clients.deliver(s, channel, packet));
    const multicast = o.multicast ? new LocalMulticast(o.multicast) : undefined;
    this.multicast = multicast;
    if (multicast) this.listeners.push((s, channel, packet) => multicast.deliver(s.idHex, channel, packet));
    this.watchdog = new DataWatchdog({
      silenceMs: o.dataLinkSilenceMs,
      onSilent: (link) => this.onDataLinkSilent(link),
    });
    this.dataLinks = new DataLinks(
      this.tcp,
      this.udp,
      guard.wrap('data link drained', (hex: string) => this.sessions.get(hex)?.onWritable()),
      (conn, peer, sessionHex) => this.watchdog.watch(conn, { peer, sessionHex, end: 'sender' }),
    );
    this.uplinks = new Uplinks(o.uplinks, (peer, hex, channel, packet) => {
      const s = this.sessions.get(hex);
      const ch = s?.channels.get(channel);
      if (s && ch) this.dataLinks.write(peer, s, channel, ch.transport, [packet]);
    }, (fn) => guard.wrap('paced uplink', fn));
  }

  /** Opens the sockets and starts the probe module. */
  async start(): Promise<void> {
    const { host, port } = this.o.listen;
    try {
      await this.tcp.listen(host, port);
      await this.udp.bind(host, port);
      await this.multicast?.open();
    } catch (err) {
      await this.tcp.close();
      this.udp.close();
      this.multicast?.close();
      throw new ScError(ErrorCode.LISTEN_FAILED, `cannot listen on ${formatAddress(this.o.listen)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    this.probe.start();
    this.watchdog.start((fn) => this.guard.wrap('data watchdog', fn));
    this.rateTimer = setInterval(this.guard.wrap('rate tick', () => {
      this.dataLinks.sent.tick();
      this.received.tick();
      this.clients.traffic.tick();
    }), 1000);
    this.rateTimer.unref();
    this.o.log('info', 'node listening', { address: this.self });
    if (this.o.emulate) this.o.log('warn', 'link emulator on: what arrives from these peers is delayed, thinned and throttled', emulateLogFields(this.o.emulate));
  }

  /** Calls `fn` with every packet delivered to this node's local clients. */
  onDelivery(fn: DeliveryListener): void {
    this.listeners.push(fn);
  }

  /** Joins a session: creates its SCX here and starts it. Refuses a session whose transports this node lacks, and one past `limits.sessionsPerNode` (ERR_LIMIT_SESSIONS). */
  join(announcement: Announcement): SessionRuntime {
    const hex = sessionIdHex(announcement.name);
    const existing = this.sessions.get(hex);
    if (existing) return existing;
    if (this.stopped) throw new ScError(ErrorCode.USAGE, 'the node is stopping');
    this.sessionCap.admit(hex);
    const seed = (this.o.seed ^ Number.parseInt(hex.slice(0, 8), 16)) >>> 0;
    const s: SessionRuntime = new SessionRuntime(announcement, this.self, this.o.registry, this.o.gossamer, seed, {
      sendGossamer: (peer, data) => this.tcp.sendControl(peer, gossamerFrame(s.id, data)),
      sendModule: (peer, channel, data) => this.tcp.sendControl(peer, moduleFrame(s.id, channel, data)),
      writable: (peer, channel, transport) => this.dataLinks.writable(peer, s, channel, transport),
      writeData: (peer, channel, transport, packets) => this.dataLinks.write(peer, s, channel, transport, packets),
      paced: (peer, channel, runtime, transport) => {
        if (this.uplinks.rateOf(peer) === undefined) return false;
        this.uplinks.offer(peer, s.idHex, channel, runtime, () => this.dataLinks.writable(peer, s, channel, transport));
        return true;
      },
      wantLinkCost: (peer) => this.probe.want(peer),
      peerDead: (peer, reason) => {
        // Silence long enough to fail a neighbour means the shared control connection is stuck: dial afresh.
        if (reason === 'failed') this.tcp.resetControl(peer);
        this.dataLinks.dropPeer(peer, s);
      },
      deliver: (channel, packet) => {
        for (const fn of this.listeners) fn(s, channel, packet);
      },
      sendClientControl: (channel, client, data) => this.clients.sendControl(s, channel, client, data),
      relayDelay: (ms) => this.histograms.relayDelay.observe(ms / 1000),
      failed: (err) => {
        this.counters.sessionsFailed++;
        this.sessions.delete(hex);
        this.uplinks.forgetSession(hex, s.channels.keys());
        this.o.log('error', 'session failed and was stopped; other sessions go on', {
          session: s.name,
          error: err instanceof Error ? err.message : String(err),
        });
      },
    }, this.o.identity && { identity: this.o.identity, refusals: this.forgedState, budget: this.verifyBudget });
    this.sessions.set(hex, s);
    s.start();
    this.o.log('info', 'joined session', { session: s.name, id: hex, channels: [...s.channels.keys()] });
    return s;
  }

  /** Leaves every session (flooding LEAVE), lets the messages go out, and closes every socket. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.sessions.values()) s.leave();
    this.probe.stop();
    this.watchdog.stop();
    clearInterval(this.rateTimer);
    this.dataLinks.close();
    this.emulated?.close();
    this.uplinks.close();
    await this.tcp.close();
    this.udp.close();
    this.multicast?.close();
    this.o.log('info', 'node stopped', { address: this.self });
  }

  /** A PING or ECHO: to the probe module; an echo it took as a sample goes to the RTT histogram too. */
  private onProbe(from: string, type: number, nonce: number, sentMs: number): void {
    const e = type === UdpType.ECHO ? this.probe.cache.get(from) : undefined;
    const received = e?.received;
    this.probe.onProbe(from, type, nonce, sentMs);
    if (e && e.received !== received && e.lastMs !== undefined) this.histograms.probeRtt.observe(e.lastMs / 1000);
  }

  /** A frame or packet that failed to decode: counted, and a log line (rate-limited) with the count so far. */
  private malformed(from: string, what: 'control' | 'data', d: { readonly code: string; readonly reason: string }): void {
    this.counters.malformed++;
    this.o.log('warn', 'dropped a malformed frame', { from, what, code: d.code, reason: d.reason, malformed: this.counters.malformed });
  }

  private onControl(from: string, frame: Buffer): void {
    const d = decodeControlFrame(frame);
    if (!d.ok) {
      this.malformed(from, 'control', d);
      return;
    }
    const f = d.value;
    const s = this.sessions.get(f.sessionId.toString('hex'));
    if (!s) {
      this.counters.unknownSession++;
      return;
    }
    if (f.type === 'gossamer') s.onGossamer(from, f.data);
    else s.onModule(from, f.channel, f.data);
  }

  private onDataConnection(hello: Extract<Hello, { kind: 'data' }>, conn: FramedConnection, first: Buffer[]): void {
    const hex = Buffer.from(hello.sessionId).toString('hex');
    const onFrames = (frames: Buffer[]): void => {
      const s = this.sessions.get(hex);
      if (!s) {
        this.counters.unknownSession += frames.length;
        return;
      }
      const packets: DataPacket[] = [];
      let bytes = 0;
      for (const f of frames) {
        if (f.length === 0) continue; // a keepalive (DataWatchdog)
        bytes += f.length;
        const p = decodeDataPacket(f);
        if (p.ok) packets.push(p.value);
        else this.malformed(hello.from, 'data', p);
      }
      if (bytes === 0) return;
      this.received.add(hello.from, frames.length, bytes);
      s.onData(hello.from, hello.channel, packets);
    };
    const handle = this.emulated ? this.emulated.stream(hello.from, conn, onFrames) : onFrames;
    conn.onFrames(handle);
    this.watchdog.watch(conn, { peer: hello.from, sessionHex: hex, end: 'receiver' });
    if (first.length > 0) handle(first);
  }

  /** A data connection went silent and was reset: at the receiving end, the session routes around its upstream. */
  private onDataLinkSilent(link: WatchedLink): void {
    const s = this.sessions.get(link.sessionHex);
    this.o.log('warn', 'data link silent; reset', { peer: link.peer, end: link.end, session: s?.name });
    if (link.end === 'receiver') s?.dataSilent(link.peer);
  }

  private onUdpData(from: string, bytes: Buffer): void {
    this.received.add(from, 1, bytes.length);
    const d = decodeDataPacket(bytes);
    if (!d.ok) {
      this.malformed(from, 'data', d);
      return;
    }
    const p = d.value;
    const s = this.sessions.get(Buffer.from(p.header.sessionId).toString('hex'));
    if (!s) {
      this.counters.unknownSession++;
      return;
    }
    s.onData(from, p.header.channel, [p]);
  }
}
