/**
 * The `bulk` service module: file distribution as the paper's software-distribution case (5.2), TCP hop by hop
 * plus end-to-end repair. Forwarding is the forward module's, run inside (composition, as `reliable` does).
 *
 * - Every SCX caches the file's manifest and chunks it forwards (chunk-cache.ts; a chunk is cached only if it
 *   matches the manifest's SHA-256), bounded by `cacheBytes`.
 * - A receiver asks its SCX for what it lacks on the client control path (WANT, WANT_MANIFEST). The SCX answers
 *   from its cache; otherwise the asker joins the soft state (waiters.ts) and the SCX asks its upstream for the
 *   file's source once per `retryMs` (suppression). An upstream SCX answers with the cached packet on the asking
 *   link alone (traffic class `repair`); at the source SCX a miss is asked of the sender itself, whose answer the
 *   module wraps into a packet. A repair goes only to those waiting for it. A chunk past the highest that came
 *   down the tree here is not asked upstream while the stream flows (it is on its way; the asker just waits).
 * - Flow control at the source SCX: the sender may run a window of chunks ahead of the CREDITs the module gives
 *   it; a chunk is credited once every downstream link's queue is under `creditQueueBytes` (the sender goes at the
 *   pace of the slowest branch at the source; further down, a branch slower than its parent drops at its queue's
 *   bound and repairs from the caches), but at most `creditWaitMs` (a stuck branch stalls nobody). While the tree
 *   has no branch yet, credits wait, at most `treeWaitMs`.
 * - Bounded: cache bytes and files, soft-state entries, and WANTs per link or client per second.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import { encodeDataPacket, payloadOf, seqDiff, type DataPacket } from '../../session/data-header.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId, type ServiceModule, type ServiceModuleFactory } from '../../transport/service-module.ts';
import { ForwardModule } from '../forward/forward.ts';
import { innerContext } from '../inner-context.ts';
import { LinkRateLimit } from '../reliable/rate-limit.ts';
import { ChunkCache, type BulkFile } from './chunk-cache.ts';
import { BulkType, decodeBulk, encodeBulk, fileKey, MAX_WANT_CHUNKS, MAX_WANT_RANGES, toRanges, type BulkMessage, type ChunkRange } from './messages.ts';
import { Waiters, type Asker } from './waiters.ts';

/** The traffic class of repairs on a link's scheduler. */
export const REPAIR_CLASS = 'repair';

/** Options of the bulk module. */
export interface BulkOptions {
  /** Bytes of chunk packets each SCX caches per channel, all files together (default 512 MiB). */
  readonly cacheBytes?: number;
  /** Files each SCX keeps per channel (default 8). */
  readonly maxFiles?: number;
  /** A request asked upstream is asked again only after this long, ms (default 1000). */
  readonly retryMs?: number;
  /** A waiter is forgotten this long after its last ask, ms (default 5000). */
  readonly stateMs?: number;
  /** Open requests kept at most (default 65536). */
  readonly maxWaiting?: number;
  /** WANTs each link or client may send a second, and the burst (default 200). */
  readonly maxWantsPerSecond?: number;
  /** A source's chunk is credited once every downstream queue holds less than this, bytes (default 1 MiB). */
  readonly creditQueueBytes?: number;
  /** How often a held credit is looked at again, ms (default 5). */
  readonly creditRecheckMs?: number;
  /**
   * A chunk past the highest that came down the tree here is asked upstream only once the file's stream has been
   * still this long (before, it is on its way and the asker just waits for it), ms (default 1000).
   */
  readonly stallMs?: number;
  /** How long a sender is held while the source SCX has no downstream link yet (the tree forming), ms (default 3000). */
  readonly treeWaitMs?: number;
  /** Longest a credit waits for the slowest branch; then it is given (that branch drops, and repairs), ms (default 1000). */
  readonly creditWaitMs?: number;
}

/** Counters of one bulk module (on /metrics as `scattercast_module_events_total{counter}`). */
export interface BulkStats {
  manifests: number;
  chunksCached: number;
  /** Chunks whose bytes did not match the manifest (dropped), and messages that did not decode. */
  chunksRefused: number;
  malformed: number;
  /** Repairs served from this SCX's cache to a downstream link or a local client. */
  repairsToLinks: number;
  repairsToClients: number;
  /** Requests asked upstream (or of the sender at the source SCX), and those suppressed. */
  wantsUpstream: number;
  wantsToSender: number;
  wantsSuppressed: number;
  /** Requests for chunks not yet come down the tree while the stream flows: joined the state, not asked. */
  wantsAhead: number;
  /** Requests with nowhere to go (no route to the file's source, no sender). */
  wantsUnroutable: number;
  wantsRateLimited: number;
  credits: number;
}

/** The settings, every default filled in. */
type Settings = Required<BulkOptions>;

function settingsOf(o: BulkOptions): Settings {
  return {
    cacheBytes: o.cacheBytes ?? 512 * 1024 * 1024,
    maxFiles: o.maxFiles ?? 8,
    retryMs: o.retryMs ?? 1000,
    stateMs: o.stateMs ?? 5000,
    maxWaiting: o.maxWaiting ?? 65_536,
    maxWantsPerSecond: o.maxWantsPerSecond ?? 200,
    creditQueueBytes: o.creditQueueBytes ?? 1024 * 1024,
    creditRecheckMs: o.creditRecheckMs ?? 5,
    stallMs: o.stallMs ?? 1000,
    treeWaitMs: o.treeWaitMs ?? 3000,
    creditWaitMs: o.creditWaitMs ?? 1000,
  };
}

/** The waiter key of a chunk, and of a file's manifest ('*' for the newest file's), by the file's key. */
const chunkKey = (key: string, index: number): string => `${key}:${index}`;
const manifestKey = (key: string): string => `${key}:m`;

/** Sources with a route, and sources whose highest fresh seq is kept, at most (the forward module inside tracks 1024). */
const MAX_SOURCES = 1024;

/** Bulk file distribution with repair from the nearest cache. */
export class BulkModule implements ServiceModule {
  readonly stats: BulkStats = {
    manifests: 0, chunksCached: 0, chunksRefused: 0, malformed: 0, repairsToLinks: 0, repairsToClients: 0,
    wantsUpstream: 0, wantsToSender: 0, wantsSuppressed: 0, wantsAhead: 0, wantsUnroutable: 0, wantsRateLimited: 0, credits: 0,
  };
  readonly cache: ChunkCache;
  private readonly s: Settings;
  private readonly inner: ForwardModule;
  private readonly waiters: Waiters;
  private readonly limit: LinkRateLimit;
  /** Sources with a route here (the only places a request for an unknown file can go). */
  private readonly sources = new Set<string>();
  /** The highest seq taken as fresh from each source SCX: an older packet someone waits for is a repair. */
  private readonly highest = new Map<string, number>();
  private innerDeadline: Millis | undefined;
  /** A credit not yet given: the file and chunk, and the sender. */
  private held: { readonly file: BulkFile; readonly index: number; readonly client: string; readonly since: Millis } | undefined;
  /** The packet being handed to the forward module, and where it came from (for `fresh`). */
  private arriving: { readonly from: LinkId; readonly msg: BulkMessage } | undefined;

  constructor(
    private readonly ctx: ChannelContext,
    options: BulkOptions = {},
  ) {
    this.s = settingsOf(options);
    this.cache = new ChunkCache(this.s.cacheBytes, this.s.maxFiles);
    this.waiters = new Waiters(this.s.maxWaiting, this.s.stateMs, this.s.retryMs);
    this.limit = new LinkRateLimit(this.s.maxWantsPerSecond);
    this.inner = new ForwardModule(innerContext(ctx, { deliver: (p) => this.fresh(p), wakeAt: (at) => (this.innerDeadline = at) }));
  }

  counters(): Readonly<Record<string, number>> {
    return { ...this.stats, cacheEvictions: this.cache.evictions, waitersRefused: this.waiters.refused, cachedBytes: this.cache.bytes };
  }

  onData(from: LinkId, packet: DataPacket): void {
    this.waiters.expire(this.ctx.now());
    const d = decodeBulk(payloadOf(packet));
    if (!d.ok || (d.value.type !== 'chunk' && d.value.type !== 'manifest-part')) {
      this.stats.malformed++;
      return this.ctx.drop('malformed');
    }
    const h = this.highest.get(packet.header.sourceScx);
    if (h !== undefined && seqDiff(packet.header.seq, h) <= 0 && this.waitedFor(d.value)) this.repaired(packet, d.value);
    else {
      this.arriving = { from, msg: d.value };
      this.inner.onData(from, packet);
      this.arriving = undefined;
    }
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    if (data[0] !== BulkType.WANT && data[0] !== BulkType.WANT_MANIFEST) return this.inner.onControl(from, data);
    this.onWant({ link: from }, from, data);
  }

  onClientControl(client: string, data: Uint8Array): void {
    if (data[0] === BulkType.CHUNK) this.fromSender(client, data);
    else this.onWant({ client }, `client ${client}`, data);
    this.rearm();
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    if (upstream === undefined) this.sources.delete(source);
    else if (this.sources.size < MAX_SOURCES) this.sources.add(source);
    this.inner.onUpstreamChange(source, upstream, previous);
    this.rearm();
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    this.inner.onDownstreamChange(source, downstream);
    this.rearm();
  }

  onLinkUp(link: LinkId): void {
    this.inner.onLinkUp(link);
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    this.inner.onLinkDown(link, reason);
    if (reason === 'failed' || reason === 'left') {
      this.waiters.forgetLink(link);
      this.limit.forget(link);
    }
    this.rearm();
  }

  handleTimeout(now: Millis): void {
    if (this.innerDeadline !== undefined && this.innerDeadline <= now) {
      this.innerDeadline = undefined;
      this.inner.handleTimeout(now);
    }
    if (this.held) this.credit(this.held.file, this.held.index, this.held.client);
    this.waiters.expire(now);
    this.limit.prune(now);
    this.rearm();
  }

  /** A packet the forward module took as fresh from the upstream (or the local sender): cached and delivered. */
  private fresh(packet: DataPacket): void {
    const a = this.arriving;
    // Outside onData (a handover releasing held packets): delivered, not cached (the receivers check every chunk).
    if (!a) return this.ctx.deliver(packet);
    const m = a.msg;
    if (m.type !== 'chunk' && m.type !== 'manifest-part') return;
    this.noteFresh(packet);
    const f = this.cache.open(m.fileId);
    f.sourceScx ??= packet.header.sourceScx;
    if (a.from === LOCAL_LINK) f.sourceClient = packet.header.source;
    if (m.type === 'manifest-part') {
      this.takePart(f, m.part, m.parts, packet);
      return this.ctx.deliver(packet);
    }
    if (f.manifest && !this.cache.matches(f, m.index, m.bytes)) {
      this.stats.chunksRefused++;
      return this.ctx.drop('malformed');
    }
    f.highestIndex = Math.max(f.highestIndex, m.index);
    f.lastFreshMs = this.ctx.now();
    this.cacheChunk(f, m.index, packet);
    this.ctx.deliver(packet);
    // Waiting links below this SCX in the tree get it from the forward module; others (a late route) get it here.
    const w = this.waiters.take(chunkKey(f.key, m.index));
    const down = new Set(this.ctx.downstream(packet.header.sourceScx));
    for (const link of w?.links ?? []) if (!down.has(link)) this.repairTo({ link }, packet);
    if (a.from !== LOCAL_LINK) return;
    f.firstLocalMs ??= this.ctx.now();
    this.credit(f, m.index, packet.header.source);
  }

  /** Keeps the highest fresh seq of the packet's source. */
  private noteFresh(packet: DataPacket): void {
    const { sourceScx, seq } = packet.header;
    const h = this.highest.get(sourceScx);
    if (h !== undefined && seqDiff(seq, h) <= 0) return;
    if (h === undefined && this.highest.size >= MAX_SOURCES) this.highest.delete(this.highest.keys().next().value as string);
    this.highest.set(sourceScx, seq);
  }

  /** Whether someone here waits for what `m` carries. */
  private waitedFor(m: BulkMessage): boolean {
    if (m.type === 'chunk') return this.waiters.has(chunkKey(fileKey(m.fileId), m.index));
    return m.type === 'manifest-part' && (this.waiters.has(manifestKey(fileKey(m.fileId))) || this.waiters.has(manifestKey('*')));
  }

  /** A repair someone here waits for: cached and sent to the waiters alone (not down the tree). */
  private repaired(packet: DataPacket, m: BulkMessage): void {
    if (m.type === 'manifest-part') {
      const f = this.cache.open(m.fileId);
      f.sourceScx ??= packet.header.sourceScx;
      return this.takePart(f, m.part, m.parts, packet);
    }
    if (m.type !== 'chunk') return;
    const f = this.cache.get(m.fileId);
    if (!f || !this.cache.matches(f, m.index, m.bytes)) {
      this.stats.chunksRefused++;
      return this.ctx.drop('malformed');
    }
    this.cacheChunk(f, m.index, packet);
    const w = this.waiters.take(chunkKey(f.key, m.index));
    for (const link of w?.links ?? []) this.repairTo({ link }, packet);
    for (const client of w?.clients ?? []) this.repairTo({ client }, packet);
  }

  /** Takes a manifest part; a completed manifest goes to whoever waits for it. */
  private takePart(f: BulkFile, part: number, parts: number, packet: DataPacket): void {
    const outcome = this.cache.addPart(f, part, parts, packet);
    if (outcome === 'bad') this.stats.chunksRefused++;
    if (outcome !== 'complete') return;
    this.stats.manifests++;
    for (const key of [manifestKey(f.key), manifestKey('*')]) {
      const w = this.waiters.take(key);
      for (const link of w?.links ?? []) this.sendManifest({ link }, f);
      for (const client of w?.clients ?? []) this.sendManifest({ client }, f);
    }
  }

  private cacheChunk(f: BulkFile, index: number, packet: DataPacket): void {
    if (f.chunks.has(index) || !f.manifest) return;
    this.cache.addChunk(f, index, packet);
    this.stats.chunksCached++;
  }

  /** A WANT or WANT_MANIFEST from a downstream link or a local client. */
  private onWant(who: Asker, limitKey: string, data: Uint8Array): void {
    const now = this.ctx.now();
    this.waiters.expire(now);
    if (!this.limit.take(limitKey, now)) {
      this.stats.wantsRateLimited++;
      return;
    }
    const d = decodeBulk(data);
    if (!d.ok || (d.value.type !== 'want' && d.value.type !== 'want-manifest')) {
      this.stats.malformed++;
      return this.ctx.drop('malformed');
    }
    const m = d.value;
    if (m.type === 'want-manifest') this.wantManifest(who, m.fileId);
    else this.wantChunks(who, m.fileId, m.ranges);
    this.rearm();
  }

  private wantManifest(who: Asker, fileId: Uint8Array | undefined): void {
    const f = fileId ? this.cache.get(fileId) : this.cache.newest();
    if (f?.manifest) return this.sendManifest(who, f);
    const key = manifestKey(fileId ? fileKey(fileId) : '*');
    if (!this.waiters.add(key, who, this.ctx.now())) {
      this.stats.wantsSuppressed++;
      return;
    }
    this.askUpstream(f, encodeBulk({ type: 'want-manifest', fileId }));
  }

  private wantChunks(who: Asker, fileId: Uint8Array, ranges: readonly ChunkRange[]): void {
    const f = this.cache.get(fileId);
    // A file unknown here: its manifest first (the asker asks for the chunks again once it has come).
    if (!f?.manifest) return this.wantManifest(who, fileId);
    const due: number[] = [];
    const now = this.ctx.now();
    const flowing = now - f.lastFreshMs < this.s.stallMs;
    for (const r of ranges) {
      for (let i = r.first; i < r.first + r.count; i++) {
        const cached = f.chunks.get(i);
        const ahead = flowing && i > f.highestIndex;
        if (cached) this.repairTo(who, cached);
        else if (this.waiters.add(chunkKey(f.key, i), who, now, !ahead)) due.push(i);
        else if (ahead) this.stats.wantsAhead++;
        else this.stats.wantsSuppressed++;
      }
    }
    for (let k = 0; k < due.length; k += MAX_WANT_CHUNKS) {
      const part = toRanges(due.slice(k, k + MAX_WANT_CHUNKS));
      for (let j = 0; j < part.length; j += MAX_WANT_RANGES) this.askUpstream(f, encodeBulk({ type: 'want', fileId, ranges: part.slice(j, j + MAX_WANT_RANGES) }));
    }
  }

  /** Sends a request towards the file's source: its upstream, or at the source SCX the sender itself. */
  private askUpstream(f: BulkFile | undefined, want: Uint8Array): void {
    if (f?.sourceScx === this.ctx.self) {
      if (f.sourceClient === undefined) return void this.stats.wantsUnroutable++;
      this.stats.wantsToSender++;
      return this.ctx.sendClientControl(f.sourceClient, want);
    }
    const sources = f?.sourceScx !== undefined ? [f.sourceScx] : [...this.sources];
    const ups = new Set(sources.map((s) => this.ctx.upstream(s)).filter((u): u is LinkId => u !== undefined));
    if (ups.size === 0) return void this.stats.wantsUnroutable++;
    for (const up of ups) {
      this.stats.wantsUpstream++;
      this.ctx.sendControl(up, want);
    }
  }

  /** The sender answered a request at the source SCX with a chunk: wrapped in a packet and sent to the waiters. */
  private fromSender(client: string, data: Uint8Array): void {
    const d = decodeBulk(data);
    const f = d.ok && d.value.type === 'chunk' ? this.cache.get(d.value.fileId) : undefined;
    const template = f?.template;
    if (!d.ok || d.value.type !== 'chunk' || !f || !template || f.sourceClient !== client) {
      this.stats.malformed++;
      return this.ctx.drop('malformed');
    }
    if (this.waitedFor(d.value)) this.repaired(encodeDataPacket(template.header, data), d.value);
  }

  private sendManifest(who: Asker, f: BulkFile): void {
    for (const p of f.parts) if (p) this.repairTo(who, p);
  }

  private repairTo(who: Asker, packet: DataPacket): void {
    if ('link' in who) {
      this.stats.repairsToLinks++;
      return this.ctx.send(who.link, packet, REPAIR_CLASS);
    }
    this.stats.repairsToClients++;
    this.ctx.sendClientControl(who.client, payloadOf(packet));
  }

  /**
   * Credits the sender through chunk `index` if every downstream queue has room (the pace of the slowest branch) and
   * the tree has a branch or `treeWaitMs` passed; else holds the credit.
   */
  private credit(file: BulkFile, index: number, client: string): void {
    const now = this.ctx.now();
    const down = this.ctx.downstream(this.ctx.self);
    const forming = down.length === 0 && now - (file.firstLocalMs ?? 0) < this.s.treeWaitMs;
    const since = this.held?.since ?? now;
    const room = !forming && (down.every((l) => this.ctx.queuedBytes(l) < this.s.creditQueueBytes) || now - since >= this.s.creditWaitMs);
    if (!room) {
      this.held = { file, index, client, since };
      return;
    }
    this.held = undefined;
    this.stats.credits++;
    this.ctx.sendClientControl(client, encodeBulk({ type: 'credit', fileId: file.fileId, through: index }));
  }

  private rearm(): void {
    const now = this.ctx.now();
    const at = [this.innerDeadline, this.held ? now + this.s.creditRecheckMs : undefined].filter((t): t is Millis => t !== undefined);
    this.ctx.wakeAt(at.length === 0 ? undefined : Math.min(...at));
  }
}

/** The bulk module with `options` (transport name `bulk`, over TCP). */
export function bulkFactory(options: BulkOptions = {}): ServiceModuleFactory {
  return {
    names: ['bulk'],
    dataTransport: 'tcp',
    description: 'bulk file distribution: TCP hop by hop, repair of missing chunks from the nearest SCX cache',
    create: (ctx) => new BulkModule(ctx, options),
  };
}

/** The bulk module with its defaults. */
export const bulk: ServiceModuleFactory = bulkFactory();
