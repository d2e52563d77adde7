/**
 * A cluster of several nodes behind one frontend: the frontend finds the session's SCX in the cluster if a
 * member already hosts it (paper 3.4), else places it by rendezvous hashing of the session id over the healthy
 * members; members are health-checked (their answers list the sessions they host), and the sessions of a member
 * that stops answering are moved to the next member in their rendezvous order. Members host sessions through
 * their admin server's cluster-internal `POST /v1/host`; health checks and host calls carry the cluster token.
 */

import { ErrorCode, ScError } from '../core/errors.ts';
import { renderAnnouncement } from '../session/announcement-build.ts';
import type { Announcement } from '../session/announcement.ts';
import { formatSessionName, sessionIdHex } from '../session/name.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import type { Logger } from '../daemon/log.ts';
import type { AdminClient } from '../net/admin-client.ts';
import { SessionCap } from '../daemon/session-cap.ts';
import { rendezvousOrder } from './rendezvous.ts';

/** One node of the cluster: its SCX address and its admin server's address. */
export interface ClusterMember {
  readonly scx: string;
  readonly admin: string;
}

/** Options of a cluster's placement. */
export interface PlacementOptions {
  readonly members: readonly ClusterMember[];
  /** This node's SCX address: the member hosted in this process. */
  readonly self: string;
  /** Hosts a session on this node. */
  readonly hostHere: (announcement: Announcement) => JoinAnswer;
  /** Whether this node hosts the session with this id (hex) now. */
  readonly hostsHere: (sessionIdHex: string) => boolean;
  /** Sessions the frontend places on the cluster at most; asks for more are refused with ERR_LIMIT_SESSIONS (`limits.sessionsPerFrontend`). */
  readonly maxSessions: number;
  /** Calls the members' admin servers (cluster token, HTTPS under the cluster's CA). */
  readonly client: AdminClient;
  /** Time between health checks of each member, ms (default 1000). */
  readonly healthIntervalMs?: number;
  /** Consecutive failed checks that make a member unhealthy (default 2). */
  readonly failAfter?: number;
  readonly log: Logger;
}

/** What the frontend knows of a member. */
export interface MemberHealth {
  healthy: boolean;
  /** Ids (hex) of the sessions the member said it hosts at its last health check. */
  hosting: ReadonlySet<string>;
  /** Failed checks in a row. */
  failures: number;
}

/** Time one health check or host call may take, ms. */
const CHECK_TIMEOUT_MS = 1000;
const HOST_TIMEOUT_MS = 5000;

/** The frontend's side of a multi-node cluster. */
export class ClusterPlacement {
  readonly health = new Map<string, MemberHealth>();
  /** Where each session the frontend placed lives, by session id (hex). */
  readonly placements = new Map<string, { announcement: Announcement; member: string }>();
  /** Sessions moved off members that went down, moves that found no member, and asks refused because every member was full. */
  readonly counters = { moved: 0, moveFailed: 0, membersFull: 0 };
  /** The sessions placed or being placed, at most `maxSessions`; counts the asks it refused. */
  readonly cap: SessionCap;
  /** Sessions (ids, hex) being placed now: counted against the cap before they land, so concurrent asks cannot overshoot it. */
  private readonly placing = new Set<string>();
  private readonly byScx = new Map<string, ClusterMember>();
  private timer: NodeJS.Timeout | undefined;
  private firstRound: Promise<void> | undefined;
  private readonly failAfter: number;

  constructor(private readonly o: PlacementOptions) {
    this.failAfter = o.failAfter ?? 2;
    const placements = this.placements;
    const placing = this.placing;
    this.cap = new SessionCap(
      o.maxSessions,
      {
        has: (hex) => placements.has(hex) || placing.has(hex),
        get size() {
          return placements.size + [...placing].filter((hex) => !placements.has(hex)).length;
        },
      },
      'this frontend placed',
    );
    for (const m of o.members) {
      this.byScx.set(m.scx, m);
      this.health.set(m.scx, { healthy: m.scx === o.self, hosting: new Set(), failures: 0 });
    }
  }

  /** Starts the health checks; the first round runs now. */
  start(): void {
    this.firstRound = this.round();
    this.timer = setInterval(() => void this.round(), this.o.healthIntervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Hosts the session on its member: the one the frontend placed it on, else a healthy member that already hosts it, else the first healthy one in rendezvous order. */
  async join(announcement: Announcement): Promise<JoinAnswer> {
    await this.firstRound;
    const hex = sessionIdHex(announcement.name);
    const placed = this.placements.get(hex);
    if (placed && this.health.get(placed.member)?.healthy) {
      try {
        return await this.host(placed.member, announcement);
      } catch (err) {
        if (isRefusal(err)) throw err;
        if (!isFull(err)) this.failed(placed.member);
      }
    }
    return this.place(hex, announcement);
  }

  /** Places the session on a member; a new session past `maxSessions` is refused with ERR_LIMIT_SESSIONS. */
  private async place(hex: string, announcement: Announcement): Promise<JoinAnswer> {
    this.cap.admit(hex);
    this.placing.add(hex);
    try {
      return await this.placeOn(hex, announcement);
    } finally {
      this.placing.delete(hex);
    }
  }

  /**
   * Tries the healthy members that host the session already, then the others, each in the session's rendezvous
   * order; the first that hosts it keeps it. A member that is full is passed over (it is not failing); if every
   * member was full, the ask is refused with ERR_LIMIT_SESSIONS.
   */
  private async placeOn(hex: string, announcement: Announcement): Promise<JoinAnswer> {
    let full = 0;
    const healthy = [...this.health].filter(([, h]) => h.healthy).map(([scx]) => scx);
    const hosts = (m: string): boolean => (m === this.o.self ? this.o.hostsHere(hex) : (this.health.get(m) as MemberHealth).hosting.has(hex));
    const order = rendezvousOrder(hex, healthy);
    for (const member of [...order.filter(hosts), ...order.filter((m) => !hosts(m))]) {
      try {
        const answer = await this.host(member, announcement);
        this.placements.set(hex, { announcement, member });
        return answer;
      } catch (err) {
        if (isRefusal(err)) throw err;
        if (isFull(err)) {
          full++;
          continue;
        }
        this.o.log('warn', 'cluster member failed to host a session', { member, session: formatSessionName(announcement.name), error: (err as Error).message });
        this.failed(member);
      }
    }
    if (full > 0 && full === order.length) {
      this.counters.membersFull++;
      throw new ScError(ErrorCode.LIMIT_SESSIONS, 'every node of this cluster hosts as many sessions as it may; try another cluster');
    }
    throw new ScError(ErrorCode.CLUSTER_UNAVAILABLE, 'no node of this cluster can host the session now; try again or another cluster');
  }

  private async host(member: string, announcement: Announcement): Promise<JoinAnswer> {
    if (member === this.o.self) return this.o.hostHere(announcement);
    const admin = (this.byScx.get(member) as ClusterMember).admin;
    const res = await this.o.client.post(admin, '/v1/host', { announcement: renderAnnouncement(announcement) }, HOST_TIMEOUT_MS);
    const body = res.body as JoinAnswer | { error: { code: string; message: string } };
    if ('error' in body) throw new ScError(body.error.code, body.error.message);
    return body;
  }

  /** One health check of every other member, in parallel. */
  private async round(): Promise<void> {
    await Promise.all(
      [...this.byScx.values()]
        .filter((m) => m.scx !== this.o.self)
        .map(async (m) => {
          const hosting = await this.o.client
            .get(m.admin, '/v1/health', CHECK_TIMEOUT_MS)
            .then((r) => {
              const answer = r.status === 200 ? (r.body as { hosting?: unknown }).hosting : undefined;
              // A member names its sessions only to its cluster's token: an answer without them refused ours.
              if (r.status === 200 && answer === undefined) this.o.log('warn', 'cluster member refuses this node\'s cluster token: give the cluster one overlay.key or trust.clusterToken', { member: m.scx });
              return answer;
            })
            .catch(() => undefined);
          if (Array.isArray(hosting)) this.answered(m.scx, hosting.filter((h): h is string => typeof h === 'string'));
          else this.failed(m.scx);
        }),
    );
  }

  private answered(member: string, hosting: readonly string[]): void {
    const h = this.health.get(member) as MemberHealth;
    h.failures = 0;
    h.hosting = new Set(hosting);
    if (h.healthy) return;
    h.healthy = true;
    this.o.log('info', 'cluster member up', { member });
  }

  private failed(member: string): void {
    if (member === this.o.self) return;
    const h = this.health.get(member) as MemberHealth;
    h.failures++;
    if (!h.healthy || h.failures < this.failAfter) return;
    h.healthy = false;
    this.o.log('warn', 'cluster member down; moving its sessions', { member });
    for (const [hex, p] of this.placements) {
      if (p.member !== member) continue;
      this.place(hex, p.announcement).then(
        (answer) => {
          this.counters.moved++;
          this.o.log('info', 'session moved', { session: answer.session, from: member, to: answer.scx });
        },
        (err: Error) => {
          this.counters.moveFailed++;
          this.o.log('warn', 'session could not be moved', { session: formatSessionName(p.announcement.name), error: err.message });
        },
      );
    }
  }
}

/** A member's answer that holds for the whole cluster (it cannot carry the transport): no point trying others. */
function isRefusal(err: unknown): boolean {
  return err instanceof ScError && err.code === ErrorCode.TRANSPORT_UNSUPPORTED;
}

/** A member's answer that it hosts as many sessions as it may: others may still take the session. */
function isFull(err: unknown): boolean {
  return err instanceof ScError && err.code === ErrorCode.LIMIT_SESSIONS;
}
