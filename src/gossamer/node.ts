import { Random } from '../core/random.ts';
import type { Millis } from '../core/time.ts';
import { gossamerConfig, type GossamerConfig } from './config.ts';
import type { GossamerEvent, NeighbourDownReason } from './events.ts';
import { LinkCosts } from './link-costs.ts';
import { FailureCheck } from './liveness/failure-check.ts';
import { HeartbeatWatch } from './liveness/heartbeat.ts';
import { failSuspect, suspectNeighbour, watchNeighbours } from './liveness/neighbour-watch.ts';
import { LeaveFlood } from './liveness/leave-flood.ts';
import { Discovery } from './membership/discovery.ts';
import { Membership } from './membership/membership.ts';
import { MeshManager } from './mesh/mesh-manager.ts';
import { Neighbours } from './mesh/neighbours.ts';
import type { NodeContext } from './node-context.ts';
import { newNodeStats, type NodeStats } from './node-stats.ts';
import { RouteTable, type Route } from './routing/route-table.ts';
import { Router } from './routing/router.ts';
import { TimerTable } from './timers.ts';
import type { LinkCostsView, MembershipView, NeighboursView, RoutesView } from './views.ts';
import { decodeMessage, encodeMessage } from './wire/codec.ts';
import { MessageType, type Message, type OriginProof, type ScxId } from './wire/messages.ts';

/** Options of one Gossamer node. */
export interface GossamerNodeOptions {
  /** This SCX's address in the session. */
  readonly id: ScxId;
  /** The session's rendezvous SCXs, from its announcement. */
  readonly rendezvous: readonly ScxId[];
  /** Seed of this node's own PRNG (every random choice it makes). */
  readonly seed: number;
  /** Overrides of the protocol parameters. */
  readonly config?: Partial<GossamerConfig>;
  /**
   * Whether the driver can reach an SCX by this id (the daemon: a node's host:port). An id it refuses is never
   * learned, measured or heard from (its messages are dropped); counted in `stats.idsRefused`. Default: every id.
   */
  readonly acceptId?: (id: ScxId) => boolean;
  /** This SCX's proof that it is a source, made by the driver and carried in its route adverts (default: none). */
  readonly sourceProof?: OriginProof;
}

/** A control message ready to go: raw bytes for the driver to send to `to`. */
export interface Transmit {
  readonly to: ScxId;
  readonly data: Uint8Array;
}

type TimerKind = 'discovery' | 'probe' | 'routes' | 'route-flush' | 'tick' | 'beat' | 'heal';

/** Messages sent only along a mesh edge. */
const EDGE_MESSAGES: ReadonlySet<number> = new Set([
  MessageType.KEEPALIVE,
  MessageType.ROUTE_UPDATE,
  MessageType.HEARTBEAT,
  MessageType.LEAVE,
]);

/**
 * One SCX's Gossamer protocol for one session, sans-IO: the caller hands it time and input and takes its output
 * away as data. It never touches sockets, timers, the wall clock or Math.random, so the simulator and the daemon
 * drive the very same object.
 */
export class GossamerNode {
  readonly self: ScxId;
  readonly config: GossamerConfig;
  readonly stats: NodeStats = newNodeStats();
  /** The SCXs this node knows of, read-only. */
  readonly membership: MembershipView;
  /** This node's mesh edges, read-only. */
  readonly neighbours: NeighboursView;
  /** This node's routing table, read-only. */
  readonly routes: RoutesView;
  /** The link costs it routes by, read-only. */
  readonly linkCosts: LinkCostsView;
  private now: Millis = 0;
  private readonly rng: Random;
  /** The driver's acceptId, counting what it refuses. */
  private readonly accepts: (id: ScxId) => boolean;
  private readonly members: Membership;
  private readonly edges = new Neighbours();
  private readonly table: RouteTable;
  private readonly costs = new LinkCosts();
  /** What the node's parts share; private, so a driver cannot reach the node's internal actions. */
  private readonly ctx: NodeContext;

  private readonly timers = new TimerTable<TimerKind>();
  private readonly discovery: Discovery;
  private readonly mesh: MeshManager;
  private readonly router = new Router();
  private readonly leaves: LeaveFlood;
  /** Failure reports under check (`verifyFailureReports`), else undefined. */
  private readonly failureCheck: FailureCheck | undefined;
  private readonly heartbeat: HeartbeatWatch;
  private readonly transmits: Transmit[] = [];
  private transmitHead = 0;
  private readonly events: GossamerEvent[] = [];
  private eventHead = 0;
  private state: 'idle' | 'running' | 'left' = 'idle';

  constructor(options: GossamerNodeOptions) {
    this.self = options.id;
    this.config = gossamerConfig(options.config);
    this.rng = new Random(options.seed);
    const acceptId = options.acceptId;
    this.accepts = (id) => {
      if (acceptId === undefined || acceptId(id)) return true;
      this.stats.idsRefused++;
      return false;
    };
    this.members = new Membership(this.self, this.accepts, this.config.maxMembers, this.stats.membersRefused);
    this.table = new RouteTable(this.self, this.config.maxSourcesPerNeighbour, this.stats, options.sourceProof);
    this.failureCheck = this.config.verifyFailureReports ? new FailureCheck(this.stats.failureChecks) : undefined;
    this.leaves = new LeaveFlood(this.failureCheck);
    this.membership = this.members;
    this.neighbours = this.edges;
    this.routes = this.table;
    this.linkCosts = this.costs;
    this.discovery = new Discovery(options.rendezvous);
    this.mesh = new MeshManager(this.config);
    this.heartbeat = new HeartbeatWatch(this.self, options.rendezvous);
    for (const r of options.rendezvous) this.members.learn(r);
    const node = this;
    this.ctx = {
      self: this.self,
      config: this.config,
      rng: this.rng,
      membership: this.members,
      neighbours: this.edges,
      routes: this.table,
      linkCosts: this.costs,
      get now() {
        return node.now;
      },
      send: (to, msg) => this.send(to, msg),
      sendAll: (to, msg) => this.sendAll(to, msg),
      emit: (event) => this.emit(event),
      addNeighbour: (id, direction) => this.addNeighbour(id, direction),
      removeNeighbour: (id, reason, notify) => this.removeNeighbour(id, reason, notify),
      markDead: (id, reason) => this.markDead(id, reason),
      wantLinkCost: (peer) => this.wantLinkCost(peer),
    };
  }

  /** Joins the session: the first round runs at once. */
  start(now: Millis): void {
    if (this.state !== 'idle') return;
    this.now = now;
    this.state = 'running';
    this.heartbeat.start(now);
    this.timers.set('discovery', now);
    this.timers.set('probe', now);
    this.timers.set('routes', now + this.config.routeUpdateIntervalMs);
    this.timers.set('tick', now + this.config.keepaliveIntervalMs);
    if (this.heartbeat.isRendezvous) this.timers.set('beat', now);
  }

  /** This SCX's source announced its intent to send: advertise a zero-length route to ourselves. */
  becomeSource(now: Millis): void {
    this.setSource(now, true);
  }

  /** The source stopped: withdraw our route. */
  stopSource(now: Millis): void {
    this.setSource(now, false);
  }

  /** Leaves the session: floods LEAVE over the mesh, then goes quiet. */
  leave(now: Millis): void {
    if (this.state !== 'running') return;
    this.now = now;
    this.leaves.announce(this.ctx, this.self);
    this.state = 'left';
    this.timers.clearAll();
  }

  /** A control message arrived from `from`. Malformed input is dropped and counted, never thrown. */
  handleMessage(now: Millis, from: ScxId, data: Uint8Array): void {
    if (this.state !== 'running') return;
    this.now = now;
    this.stats.messagesReceived++;
    this.stats.bytesReceived += data.length;
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      this.stats.malformed++;
      this.emit({ type: 'message-dropped', from, code: decoded.code, reason: decoded.reason });
      return;
    }
    if (from === this.self || this.members.recentlyDead(from, now, this.config.staleAfterDeathMs)) return;
    if (!this.members.has(from) && !this.accepts(from)) return;
    this.members.heardFrom(from);
    this.failureCheck?.heard(from);
    const n = this.edges.get(from);
    if (n) {
      n.lastHeardMs = now;
      n.suspectedSinceMs = undefined;
    } else if (EDGE_MESSAGES.has(decoded.value.type) && !this.mesh.connecting(from)) {
      // The peer thinks we share an edge we do not have (a lost CONNECT_ACK or DISCONNECT): say so, or it
      // would time us out and report us dead.
      this.send(from, { type: MessageType.DISCONNECT });
    }
    this.dispatch(from, decoded.value);
  }

  /** Runs every timer due at `now`. */
  handleTimeout(now: Millis): void {
    if (this.state !== 'running') return;
    this.now = now;
    for (const kind of this.timers.expire(now)) this.fire(kind);
  }

  /**
   * The driver found `scx`'s data plane silent while its control plane may be fine (a gray failure): every route
   * whose path runs through it costs `ms` more, so routes go around it where another way exists, and the cost
   * travels in this SCX's adverts to those below. 0 lifts the penalty. Route changes are sent at once.
   */
  penaliseInPaths(now: Millis, scx: ScxId, ms: number): void {
    if (this.state !== 'running') return;
    this.now = now;
    this.table.setPathPenalty(scx, ms);
    this.router.recompute(this.ctx, true);
    if (ms > 0) {
      // Where every route runs through the silent SCX, only a new edge helps (to the source, say): look for one now.
      const stuck = [...this.table.routes()].filter((r) => r.path.includes(scx)).map((r) => r.source);
      this.mesh.hurry(this.ctx, stuck);
      this.timers.set('probe', now);
    }
  }

  /** The probe module measured the latency to `peer`, ms. */
  setLinkCost(peer: ScxId, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    if (this.costs.setProbed(peer, ms, this.config.linkCostChangeFraction, this.config.linkCostChangeMinMs) && this.edges.has(peer)) {
      this.router.recompute(this.ctx);
    }
  }

  /**
   * The driver has a hint that `peer` may be gone (its connection broke): suspect it now and ping it, rather than
   * wait for `neighbourTimeoutMs` of silence. Any message from it clears the suspicion; if none comes within
   * `suspicionMs`, it is declared failed as usual. A heal CONNECT waiting on `peer` moves on to the next candidate.
   */
  suspect(now: Millis, peer: ScxId): void {
    if (this.state !== 'running') return;
    this.now = now;
    if (suspectNeighbour(this.ctx, peer)) this.stats.suspectHints++;
    this.mesh.unreachable(this.ctx, peer);
  }

  /**
   * The driver dialled `peer` and its host refused (no process listens at its address). A suspected neighbour is
   * then declared failed at once, without waiting out `suspicionMs`, and so is an SCX whose failure report is under
   * check; anyone else is left to the usual watch (a refusal alone may be a restart in progress).
   */
  refused(now: Millis, peer: ScxId): void {
    if (this.state !== 'running') return;
    this.now = now;
    if (failSuspect(this.ctx, this.leaves, peer) || this.failureCheck?.refused(this.ctx, peer)) this.stats.refusedFailures++;
  }

  /** The next message to send, if any. */
  pollTransmit(): Transmit | undefined {
    if (this.transmitHead >= this.transmits.length) return undefined;
    const t = this.transmits[this.transmitHead++];
    if (this.transmitHead === this.transmits.length) this.transmits.length = this.transmitHead = 0;
    return t;
  }

  /** The next event, if any. */
  pollEvent(): GossamerEvent | undefined {
    if (this.eventHead >= this.events.length) return undefined;
    const e = this.events[this.eventHead++];
    if (this.eventHead === this.events.length) this.events.length = this.eventHead = 0;
    return e;
  }

  /** When `handleTimeout` must next be called; undefined when nothing is pending. */
  nextDeadline(): Millis | undefined {
    if (this.state === 'running') {
      const flushAt = this.router.flushDeadline(this.ctx);
      if (flushAt === undefined) this.timers.clear('route-flush');
      else this.timers.set('route-flush', flushAt);
    }
    return this.timers.next();
  }

  /** The neighbour data from `source` arrives through (undefined: none, or we are the source). */
  upstream(source: ScxId): ScxId | undefined {
    return this.table.route(source)?.upstream;
  }

  /** The neighbours that take `source`'s data from us: the source's reverse-shortest-path tree below us. */
  downstream(source: ScxId): ScxId[] {
    return this.table.downstream(source);
  }

  /** Our best route to `source`. */
  route(source: ScxId): Route | undefined {
    return this.table.route(source);
  }

  /** The heartbeat generator by this node's view (its election if a rendezvous, else the last one heard, unless given up as dead). */
  get generator(): ScxId | undefined {
    return this.heartbeat.generator(this.now, this.config.heartbeatTimeoutMs);
  }

  /** Whether the node has joined and not left. */
  get running(): boolean {
    return this.state === 'running';
  }

  // --- actions shared by the parts (through ctx) ---

  private send(to: ScxId, msg: Message): void {
    this.push(to, encodeMessage(msg));
  }

  private sendAll(to: readonly ScxId[], msg: Message): void {
    if (to.length === 0) return;
    const data = encodeMessage(msg);
    for (const peer of to) this.push(peer, data);
  }

  private emit(event: GossamerEvent): void {
    this.events.push(event);
  }

  private addNeighbour(id: ScxId, direction: 'out' | 'in'): void {
    if (this.edges.has(id)) return;
    this.edges.add(id, direction, this.now);
    this.emit({ type: 'neighbour-up', peer: id, direction });
    this.wantLinkCost(id);
    this.router.neighbourAdded(this.ctx, id);
  }

  private removeNeighbour(id: ScxId, reason: NeighbourDownReason, notify: boolean): void {
    if (!this.edges.remove(id)) return;
    if (notify) this.send(id, { type: MessageType.DISCONNECT });
    this.emit({ type: 'neighbour-down', peer: id, reason });
    this.router.neighbourRemoved(this.ctx, id);
  }

  private markDead(id: ScxId, reason: 'left' | 'failed'): void {
    if (!this.members.markDead(id, this.now, this.config.deadMemoryMs)) return;
    this.emit({ type: 'scx-dead', scx: id, reason });
    this.failureCheck?.forget(id);
    this.mesh.forget(id);
    this.heartbeat.declaredDead(id, reason, this.now);
    this.costs.forget(id);
    this.removeNeighbour(id, reason === 'left' ? 'left' : 'failed', false);
  }

  private wantLinkCost(peer: ScxId): void {
    if (this.costs.firstRequest(peer) && this.accepts(peer)) this.emit({ type: 'link-cost-wanted', peer });
  }

  // --- internals ---

  private push(to: ScxId, data: Uint8Array): void {
    this.transmits.push({ to, data });
    this.stats.messagesSent++;
    this.stats.bytesSent += data.length;
    const n = this.edges.get(to);
    if (n) n.lastSentMs = this.now;
  }

  private setSource(now: Millis, on: boolean): void {
    if (this.table.isSource === on) return;
    this.now = now;
    this.table.setSelfSource(on);
    this.router.recompute(this.ctx);
  }

  private dispatch(from: ScxId, msg: Message): void {
    switch (msg.type) {
      case MessageType.DISCOVERY:
        return this.discovery.onDiscovery(this.ctx, from, msg);
      case MessageType.DISCOVERY_RESPONSE:
        return this.discovery.onResponse(this.ctx, from, msg);
      case MessageType.REQUEST_STATUS:
        return this.mesh.onRequestStatus(this.ctx, from, msg);
      case MessageType.STATUS:
        return this.mesh.onStatus(this.ctx, from, msg);
      case MessageType.CONNECT:
        return this.mesh.onConnect(this.ctx, from, msg);
      case MessageType.CONNECT_ACK:
        return this.mesh.onConnectAck(this.ctx, from, msg);
      case MessageType.DISCONNECT:
        return this.removeNeighbour(from, 'disconnected', false);
      case MessageType.ROUTE_UPDATE:
        return this.router.onUpdate(this.ctx, from, msg);
      case MessageType.LEAVE:
        return this.leaves.onLeave(this.ctx, from, msg);
      case MessageType.HEARTBEAT:
        return this.heartbeat.onHeartbeat(this.ctx, from, msg);
      case MessageType.KEEPALIVE:
        return;
      case MessageType.PING:
        this.heartbeat.rendezvousHeard(from, this.now);
        return this.send(from, { type: MessageType.PONG, nonce: msg.nonce });
      case MessageType.PONG:
        return this.heartbeat.rendezvousHeard(from, this.now);
    }
  }

  private fire(kind: TimerKind): void {
    const c = this.config;
    switch (kind) {
      case 'discovery':
        return this.timers.set('discovery', this.now + this.discovery.round(this.ctx, this.heartbeat.healingCutOff(this.ctx)));
      case 'probe':
        return this.timers.set('probe', this.now + this.mesh.round(this.ctx));
      case 'route-flush':
        return this.router.flush(this.ctx);
      case 'routes':
        this.router.periodic(this.ctx);
        return this.timers.set('routes', this.now + c.routeUpdateIntervalMs);
      case 'tick':
        this.tick();
        return this.timers.set('tick', this.now + c.keepaliveIntervalMs);
      case 'beat':
        this.heartbeat.beat(this.ctx);
        return this.timers.set('beat', this.now + c.heartbeatIntervalMs);
      case 'heal': {
        const plan = this.heartbeat.healDue(this.ctx);
        if (plan !== undefined) this.mesh.heal(this.ctx, plan);
        return;
      }
    }
  }

  /** Liveness tick: failed neighbours, keepalives on quiet edges, request and memory expiry, heartbeat watch. */
  private tick(): void {
    watchNeighbours(this.ctx, this.leaves);
    this.discovery.expire(this.ctx);
    this.mesh.expire(this.ctx);
    this.leaves.expire(this.ctx);
    this.failureCheck?.expire(this.ctx);
    this.members.expireDead(this.now);
    this.heartbeat.watch(this.ctx);
    const healAt = this.heartbeat.healDeadline;
    if (healAt !== undefined && this.timers.get('heal') === undefined) this.timers.set('heal', healAt);
  }
}
