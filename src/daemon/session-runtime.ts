/**
 * One session at one node: the node's SCX for it. The Gossamer core and one ChannelRuntime per channel, the
 * same objects the simulator runs, driven here by real time and real sockets through `SessionIo`.
 * Every entry point is guarded: an exception in a session (a module's bug, say) fails that session alone.
 */

import type { Millis } from '../core/time.ts';
import { DEFAULT_GOSSAMER_CONFIG, type GossamerConfig } from '../gossamer/config.ts';
import type { GossamerEvent } from '../gossamer/events.ts';
import { GossamerNode } from '../gossamer/node.ts';
import { isNodeAddress } from '../net/address.ts';
import type { Announcement } from '../session/announcement.ts';
import { encodeDataPacket, type DataPacket } from '../session/data-header.ts';
import { formatSessionName, sessionId } from '../session/name.ts';
import { ChannelRuntime } from '../transport/channel-runtime.ts';
import type { ServiceRegistry } from '../transport/registry.ts';
import type { NodeIdentity } from '../trust/node-identity.ts';
import { LOCAL_LINK, type DataTransport } from '../transport/service-module.ts';
import { treeViewOf } from '../transport/tree-view.ts';
import { monotonicMs, wallClockMs } from './clock.ts';
import type { ForgedStateRefusals } from './forged-state.ts';
import type { VerifyBudget } from './verify-budget.ts';
import { LinkCostFilter } from './link-cost-filter.ts';
import { RELAY_SAMPLE_EVERY } from './node-histograms.ts';
import { SignedState } from './signed-state.ts';

/** What a session needs from its node: sockets, the probe module and local clients. */
export interface SessionIo {
  sendGossamer(peer: string, data: Uint8Array): void;
  sendModule(peer: string, channel: number, data: Uint8Array): void;
  /** Whether `peer`'s data link of `channel` can take more now (false: wait for `onWritable`). */
  writable(peer: string, channel: number, transport: DataTransport): boolean;
  /** Writes packets to `peer` on `channel`'s data link, in one write where the transport allows. */
  writeData(peer: string, channel: number, transport: DataTransport, packets: readonly DataPacket[]): void;
  /**
   * Whether the node paces its uplink to `peer` (config `uplinks`): if so, it takes `channel`'s queue for `peer` from
   * `runtime` at the link's rate and fair share, and the session writes nothing to `peer` itself.
   */
  paced(peer: string, channel: number, runtime: ChannelRuntime, transport: DataTransport): boolean;
  /** The core wants the latency to `peer`. */
  wantLinkCost(peer: string): void;
  /** `peer` failed or left this session: this session's data links to it can go (and, if it failed, the control link). */
  peerDead(peer: string, reason: 'left' | 'failed'): void;
  /** A packet for this node's local clients. */
  deliver(channel: number, packet: DataPacket): void;
  /** Control bytes from `channel`'s module for the local client `client` (an attachment id), or every one when undefined. */
  sendClientControl(channel: number, client: string | undefined, data: Uint8Array): void;
  /** The session failed and stopped; `err` says why. */
  failed(err: unknown): void;
  /** A sampled packet (1 in RELAY_SAMPLE_EVERY from peers) took `ms` from arrival to its first write on a link. */
  relayDelay(ms: number): void;
}

/** A secure node's identity, where its sessions count the gossip state they refuse, and its budget of checks per peer. */
export interface SessionSigning {
  readonly identity: NodeIdentity;
  readonly refusals: ForgedStateRefusals;
  readonly budget: VerifyBudget;
}

/** A channel at this SCX. */
interface Channel {
  readonly runtime: ChannelRuntime;
  readonly transport: DataTransport;
  /** Sequence number of the next packet a local source sends. */
  nextSeq: number;
  /** The module's deadline when the timer was last armed. */
  armedDeadline: Millis | undefined;
  /** Packets from peers until the next relay-delay sample. */
  sampleIn: number;
  /** The sampled packet not yet written, and when it arrived. */
  sample: DataPacket | undefined;
  sampleAt: Millis;
}

/** A sampled packet still unwritten after this long no longer blocks the next sample (it was dropped), ms. */
const SAMPLE_STALE_MS = 30_000;

/**
 * What a route through a data-silent upstream costs more, ms, and for how long after the silence: routes go around
 * it wherever another way exists, while its control traffic (alive) keeps it in the mesh.
 */
export const DATA_SILENT_PENALTY_MS = 10_000;
export const DATA_SILENT_HOLD_MS = 30_000;

/** A timer that fires later than this after its deadline lets the I/O that waited run first, ms. */
const LATE_TIMER_MS = 20;

/** A source that left has its route withdrawn once its queued packets are out, checked this often, ms, and at the latest this late, ms. */
const WITHDRAW_CHECK_MS = 100;
const WITHDRAW_WAIT_MS = 10_000;

/** Most bytes of one link taken off its scheduler per write. */
const WRITE_BUDGET_BYTES = 256 * 1024;

/** The SCX of one session on this node. */
export class SessionRuntime {
  readonly id: Buffer;
  readonly idHex: string;
  readonly name: string;
  readonly gossamer: GossamerNode;
  readonly channels = new Map<number, Channel>();
  /** Set once the session has failed; it then takes no input. */
  failure: string | undefined;
  /** Times a source's upstream moved from one neighbour to another or was lost (each a handover, or a gap). */
  upstreamChanges = 0;
  /** Upstreams routed around because their data connection went silent (DataWatchdog). */
  dataSilentUpstreams = 0;
  /** Proofs of the state this SCX originates, and checks of what arrives (a secure node only). */
  readonly signed: SignedState | undefined;
  private readonly linkCosts = new LinkCostFilter();
  /** Peers whose data went silent, and the timer that lifts their penalty. */
  private readonly dataSilentHolds = new Map<string, NodeJS.Timeout>();
  /** Set once the SCX has left; it then takes no input either. */
  private left = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: Millis | undefined;
  /** The route's withdrawal, waiting for the queues of a source that left to drain. */
  private withdrawal: NodeJS.Timeout | undefined;

  constructor(
    readonly announcement: Announcement,
    self: string,
    registry: ServiceRegistry,
    config: Partial<GossamerConfig>,
    seed: number,
    private readonly io: SessionIo,
    signing?: SessionSigning,
  ) {
    this.name = formatSessionName(announcement.name);
    this.id = sessionId(announcement.name);
    this.idHex = this.id.toString('hex');
    const heartbeatMemoryMs = config.heartbeatTimeoutMs ?? DEFAULT_GOSSAMER_CONFIG.heartbeatTimeoutMs;
    this.signed = signing && new SignedState({ ...signing, sessionId: this.id, session: this.name, heartbeatMemoryMs });
    const sourceProof = this.signed?.sourceProof;
    // Every SCX id is a node's host:port here: the core never learns one this node could not dial.
    this.gossamer = new GossamerNode({ id: self, rendezvous: announcement.rendezvous, seed, config, acceptId: isNodeAddress, ...(sourceProof && { sourceProof }) });
    const tree = treeViewOf(this.gossamer);
    // After the module's call returns (it may be mid-iteration over its sources): route around the silent upstream.
    const onUpstreamSilent = (link: string): void => queueMicrotask(() => this.dataSilent(link));
    for (const ch of announcement.channels) {
      const factory = registry.resolve(ch.unicast);
      const runtime = new ChannelRuntime({ self, channel: ch.id, factory, tree, onUpstreamSilent });
      this.channels.set(ch.id, {
        runtime,
        transport: factory.dataTransport,
        nextSeq: 0,
        armedDeadline: undefined,
        sampleIn: RELAY_SAMPLE_EVERY,
        sample: undefined,
        sampleAt: 0,
      });
    }
  }

  /** Joins the session's mesh. */
  start(): void {
    this.guard(() => this.gossamer.start(monotonicMs()));
  }

  /** A local source announced its intent to send: this SCX advertises itself as a source. */
  becomeSource(): void {
    clearTimeout(this.withdrawal);
    this.withdrawal = undefined;
    this.guard(() => this.gossamer.becomeSource(monotonicMs()));
  }

  /**
   * The last local source went away: this SCX withdraws its route once what it queued has left (a paced or slow
   * link may hold seconds of it, and the tree goes with the route), checking every WITHDRAW_CHECK_MS, at most
   * WITHDRAW_WAIT_MS. A source attaching meanwhile keeps the route.
   */
  stopSource(): void {
    const deadline = monotonicMs() + WITHDRAW_WAIT_MS;
    const check = (): void => {
      const queued = [...this.channels.values()].some((ch) => ch.runtime.totalQueuedBytes() > 0);
      if (queued && monotonicMs() < deadline) {
        this.withdrawal = setTimeout(check, WITHDRAW_CHECK_MS);
        this.withdrawal.unref();
        return;
      }
      this.withdrawal = undefined;
      this.guard(() => this.gossamer.stopSource(monotonicMs()));
    };
    clearTimeout(this.withdrawal);
    check();
  }

  /** A Gossamer message from `peer`. */
  onGossamer(peer: string, data: Uint8Array): void {
    this.guard(() => {
      const now = monotonicMs();
      if (this.signed?.incoming(peer, data, now) !== false) this.gossamer.handleMessage(now, peer, data);
    });
  }

  /** A module-to-module message from `peer` on `channel`. */
  onModule(peer: string, channel: number, data: Uint8Array): void {
    this.guard(() => this.channels.get(channel)?.runtime.receiveControl(monotonicMs(), peer, data));
  }

  /** A local client attached to `channel` sent control bytes; `client` is its attachment id. */
  onClientControl(channel: number, client: string, data: Uint8Array): void {
    const ch = this.channels.get(channel);
    if (!ch) return;
    this.guard(() => ch.runtime.receiveClientControl(monotonicMs(), client, data), channel);
  }

  /** Data packets that arrived together from `peer` (one read of its data link). */
  onData(peer: string, channel: number, packets: readonly DataPacket[]): void {
    const ch = this.channels.get(channel);
    if (!ch) return;
    // The data path touches this channel alone: only its output is taken (the hot path skips the Gossamer core).
    this.guard(() => {
      const now = monotonicMs();
      for (const p of packets) ch.runtime.receive(now, peer, p);
      // One packet in RELAY_SAMPLE_EVERY is timed to its first write (one sample in flight per channel).
      if ((ch.sampleIn -= packets.length) <= 0 && packets.length > 0 && (ch.sample === undefined || now - ch.sampleAt > SAMPLE_STALE_MS)) {
        ch.sampleIn = RELAY_SAMPLE_EVERY;
        ch.sample = packets[0];
        ch.sampleAt = now;
      }
    }, channel);
  }

  /** A local source sends `payloads` on `channel`: this SCX stamps the scattercast header on each. */
  inject(channel: number, source: string, payloads: readonly Uint8Array[]): void {
    this.guard(() => {
      const ch = this.channels.get(channel);
      if (!ch) return;
      const now = monotonicMs();
      for (const payload of payloads) {
        const header = {
          sessionId: this.id,
          channel,
          seq: ch.nextSeq,
          timestampMs: wallClockMs(),
          source,
          sourceScx: this.gossamer.self,
        };
        ch.nextSeq = (ch.nextSeq + 1) >>> 0;
        ch.runtime.receive(now, LOCAL_LINK, encodeDataPacket(header, payload));
      }
    });
  }

  /** The probe module measured `peer`: the link cost is half the round trip, its least over a window (LinkCostFilter). */
  setLinkCost(peer: string, rttMs: number): void {
    this.guard(() => this.gossamer.setLinkCost(peer, this.linkCosts.add(peer, rttMs, monotonicMs())));
  }

  /**
   * `peer`'s data connection went silent while its control traffic may flow (the watchdog), or it never delivered as a
   * new upstream while the previous one did (the service module): if it is an upstream here, every route
   * through it costs DATA_SILENT_PENALTY_MS more for DATA_SILENT_HOLD_MS (renewed by a new silence).
   */
  dataSilent(peer: string): void {
    this.guard(() => {
      if (![...this.gossamer.routes.routes()].some((r) => r.upstream === peer)) return;
      this.dataSilentUpstreams++;
      clearTimeout(this.dataSilentHolds.get(peer));
      const lift = setTimeout(() => {
        this.dataSilentHolds.delete(peer);
        this.guard(() => this.gossamer.penaliseInPaths(monotonicMs(), peer, 0));
      }, DATA_SILENT_HOLD_MS);
      lift.unref();
      this.dataSilentHolds.set(peer, lift);
      this.gossamer.penaliseInPaths(monotonicMs(), peer, DATA_SILENT_PENALTY_MS);
    });
  }

  /** `peer`'s connection broke: suspect it now rather than after a timeout of silence. */
  suspect(peer: string): void {
    this.guard(() => this.gossamer.suspect(monotonicMs(), peer));
  }

  /** A dial to `peer` was refused by its host: a suspected neighbour is declared failed now. */
  refused(peer: string): void {
    this.guard(() => this.gossamer.refused(monotonicMs(), peer));
  }

  /** A data link that was full can take more: write what waits. */
  onWritable(): void {
    this.guard(() => undefined);
  }

  /** Leaves the session: floods LEAVE over the mesh and stops. */
  leave(): void {
    if (this.failure !== undefined || this.left) return;
    this.gossamer.leave(monotonicMs());
    this.sendGossamer();
    for (const lift of this.dataSilentHolds.values()) clearTimeout(lift);
    clearTimeout(this.withdrawal);
    this.left = true;
    this.stopTimer();
  }

  /** Runs `fn`, then sends what it produced (what `channel` produced, if given); an exception fails this session only. */
  private guard(fn: () => void, channel?: number): void {
    if (this.failure !== undefined || this.left) return;
    try {
      fn();
      if (channel === undefined) this.flush();
      else this.flushChannel(channel, this.channels.get(channel) as Channel);
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      this.stopTimer();
      try {
        this.gossamer.leave(monotonicMs());
        this.sendGossamer();
      } catch {
        // the session is already failing; its LEAVE is best effort
      }
      this.io.failed(err);
    }
  }

  /** Takes every output: events to the channels, messages to peers, packets to links, and re-arms the timer. */
  private flush(): void {
    const g = this.gossamer;
    const now = monotonicMs();
    for (let ev = g.pollEvent(); ev; ev = g.pollEvent()) this.onEvent(now, ev);
    this.sendGossamer();
    for (const [id, ch] of this.channels) this.writeChannel(id, ch);
    this.armTimer();
  }

  /** Sends the core's messages, the state this SCX originates signed (a secure node). */
  private sendGossamer(): void {
    const g = this.gossamer;
    for (let t = g.pollTransmit(); t; t = g.pollTransmit()) this.io.sendGossamer(t.to, this.signed ? this.signed.outgoing(t.data) : t.data);
  }

  /** Takes one channel's output; re-arms the timer only if the channel's module moved its deadline. */
  private flushChannel(id: number, ch: Channel): void {
    this.writeChannel(id, ch);
    if (ch.runtime.nextDeadline() !== ch.armedDeadline) this.armTimer();
  }

  /** Sends a channel's control messages, deliveries and queued packets. */
  private writeChannel(id: number, ch: Channel): void {
    const rt = ch.runtime;
    for (let c = rt.pollControl(); c; c = rt.pollControl()) this.io.sendModule(c.to, id, c.data);
    for (let c = rt.pollClientControl(); c; c = rt.pollClientControl()) this.io.sendClientControl(id, c.client, c.data);
    for (let p = rt.pollDelivery(); p; p = rt.pollDelivery()) this.io.deliver(id, p);
    let backlog = false;
    for (const link of rt.takeReady()) {
      if (this.io.paced(link, id, rt, ch.transport)) continue;
      // One write per link per flush, unless a flush brought more than the budget; a full link waits for drain.
      while (rt.queuedBytes(link) > 0) {
        if (!this.io.writable(link, id, ch.transport)) {
          backlog = true;
          break;
        }
        const packets = rt.dequeue(link, WRITE_BUDGET_BYTES);
        if (ch.sample !== undefined && packets.includes(ch.sample)) {
          this.io.relayDelay(monotonicMs() - ch.sampleAt);
          ch.sample = undefined;
        }
        this.io.writeData(link, id, ch.transport, packets);
      }
      rt.requeue(link);
    }
    // Nothing waits on any link: an unwritten sample was dropped or only delivered here, and is not a relay.
    if (!backlog) ch.sample = undefined;
  }

  private onEvent(now: Millis, ev: GossamerEvent): void {
    if (ev.type === 'link-cost-wanted') this.io.wantLinkCost(ev.peer);
    if (ev.type === 'scx-dead') {
      this.linkCosts.forget(ev.scx);
      this.io.peerDead(ev.scx, ev.reason);
    }
    if (ev.type === 'route-changed' && ev.previousUpstream !== undefined && ev.upstream !== ev.previousUpstream) this.upstreamChanges++;
    for (const ch of this.channels.values()) ch.runtime.onGossamerEvent(now, ev);
  }

  private armTimer(): void {
    let at = this.gossamer.nextDeadline();
    for (const ch of this.channels.values()) {
      const d = ch.runtime.nextDeadline();
      ch.armedDeadline = d;
      if (d !== undefined && (at === undefined || d < at)) at = d;
    }
    if (at === this.timerAt) return;
    this.stopTimer();
    if (at === undefined) return;
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - monotonicMs()));
  }

  private onTimer(): void {
    const due = this.timerAt;
    this.timer = undefined;
    this.timerAt = undefined;
    // Late (the event loop was stalled): what arrived meanwhile waits in the sockets, and a timeout judged before
    // reading it would take a peer that spoke for a silent one. Timers run before I/O in a turn; immediates after.
    if (due !== undefined && monotonicMs() - due > LATE_TIMER_MS) {
      setImmediate(() => this.runTimeouts());
      return;
    }
    this.runTimeouts();
  }

  /** Runs the core's and the channels' timers due now. */
  private runTimeouts(): void {
    this.guard(() => {
      const now = monotonicMs();
      this.gossamer.handleTimeout(now);
      for (const ch of this.channels.values()) ch.runtime.handleTimeout(now);
    });
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
