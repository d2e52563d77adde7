/**
 * What one SCX keeps of the bulk files of one channel: each file's manifest (the packets of its parts, and the
 * manifest once they are all in and its SHA-256 is the file id), the packets of its chunks, and where it comes
 * from. Bounded: at most `maxFiles` files (the oldest forgotten whole) and `maxBytes` of chunk packets across them
 * (the oldest chunks evicted first). Manifests are never evicted while their file is kept.
 */

import { Fifo } from '../../core/fifo.ts';
import type { DataPacket } from '../../session/data-header.ts';
import { chunkMatches, decodeManifest, manifestFileId, type Manifest } from './manifest.ts';
import { FILE_ID_BYTES, fileKey } from './messages.ts';

/** One file at this SCX. */
export class BulkFile {
  /** The packets of the manifest's parts, by part number, once their count is known. */
  parts: Array<DataPacket | undefined> = [];
  /** Set once every part came and the whole hashes to the file id and decodes. */
  manifest: Manifest | undefined;
  /** The root of the file's tree (the source SCX of its packets). */
  sourceScx: string | undefined;
  /** At the source SCX: the attachment id of the sender (it answers what no cache here has). */
  sourceClient: string | undefined;
  readonly chunks = new Map<number, DataPacket>();
  /** The highest chunk index that came down the tree here, and when the last fresh chunk came, ms. */
  highestIndex = -1;
  lastFreshMs = 0;
  /** At the source SCX: when the sender's first chunk came, ms. */
  firstLocalMs: number | undefined;

  constructor(
    readonly key: string,
    readonly fileId: Uint8Array,
  ) {}

  /** A packet of the file to copy the header of (a repair built at the source SCX). */
  get template(): DataPacket | undefined {
    return this.parts.find((p) => p !== undefined);
  }
}

/** How a manifest part was taken. */
export type PartOutcome = 'new' | 'old' | 'complete' | 'bad';

/** The files of one channel at one SCX. */
export class ChunkCache {
  private readonly files = new Map<string, BulkFile>();
  /** Chunks in the order they were cached (some may be gone already): the eviction order. */
  private readonly order = new Fifo<{ readonly file: BulkFile; readonly index: number }>();
  /** Bytes of chunk packets cached now, and how many chunks. */
  bytes = 0;
  chunks = 0;
  /** Chunks evicted to stay under `maxBytes`, and files forgotten to stay under `maxFiles`. */
  evictions = 0;
  filesForgotten = 0;

  constructor(
    /** Bytes of chunk packets kept at most, all files together. */
    private readonly maxBytes: number,
    /** Files kept at most. */
    private readonly maxFiles: number,
  ) {}

  /** Files kept now. */
  get size(): number {
    return this.files.size;
  }

  /** The file `fileId` names, if kept. */
  get(fileId: Uint8Array): BulkFile | undefined {
    return this.files.get(fileKey(fileId));
  }

  /** The file `fileId` names, kept from now on (the oldest file forgotten if `maxFiles` are kept). */
  open(fileId: Uint8Array): BulkFile {
    const key = fileKey(fileId);
    const known = this.files.get(key);
    if (known) return known;
    if (this.files.size >= this.maxFiles) this.forget(this.files.values().next().value as BulkFile);
    const f = new BulkFile(key, new Uint8Array(fileId));
    this.files.set(key, f);
    return f;
  }

  /** The newest file whose manifest is complete. */
  newest(): BulkFile | undefined {
    let found: BulkFile | undefined;
    for (const f of this.files.values()) if (f.manifest) found = f;
    return found;
  }

  /** Takes manifest part `part` of `parts` in `packet`; 'complete' when it completed a valid manifest, 'bad' when the whole failed (parts dropped). */
  addPart(f: BulkFile, part: number, parts: number, packet: DataPacket): PartOutcome {
    if (f.manifest) return 'old';
    if (f.parts.length !== parts) f.parts = new Array<DataPacket | undefined>(parts).fill(undefined);
    if (f.parts[part]) return 'old';
    f.parts[part] = packet;
    if (f.parts.some((p) => p === undefined)) return 'new';
    const whole = Buffer.concat(f.parts.map((p) => partBytes(p as DataPacket)));
    const m = Buffer.compare(manifestFileId(whole), f.fileId) === 0 ? decodeManifest(whole) : undefined;
    if (!m?.ok) {
      f.parts = [];
      return 'bad';
    }
    f.manifest = m.value;
    return 'complete';
  }

  /** Caches chunk `index` of `f` (whose bytes match the manifest); evicts the oldest chunks past `maxBytes`. */
  addChunk(f: BulkFile, index: number, packet: DataPacket): void {
    if (f.chunks.has(index) || packet.bytes.length > this.maxBytes) return;
    f.chunks.set(index, packet);
    this.bytes += packet.bytes.length;
    this.chunks++;
    this.order.push({ file: f, index });
    while (this.bytes > this.maxBytes) {
      const old = this.order.shift();
      if (!old) break;
      const p = old.file.chunks.get(old.index);
      if (!p || this.files.get(old.file.key) !== old.file) continue;
      old.file.chunks.delete(old.index);
      this.bytes -= p.bytes.length;
      this.chunks--;
      this.evictions++;
    }
    // Entries of forgotten files stay in the order until evicted: rebuilt when they outnumber the live ones.
    if (this.order.length > 2 * this.chunks + 1024) this.compact();
  }

  private compact(): void {
    const live = [];
    for (let e = this.order.shift(); e; e = this.order.shift()) if (this.files.get(e.file.key) === e.file && e.file.chunks.has(e.index)) live.push(e);
    for (const e of live) this.order.push(e);
  }

  /** Whether `bytes` are chunk `index` of `f` (false while its manifest is unknown). */
  matches(f: BulkFile, index: number, bytes: Uint8Array): boolean {
    return f.manifest !== undefined && chunkMatches(f.manifest, index, bytes);
  }

  private forget(f: BulkFile): void {
    for (const p of f.chunks.values()) this.bytes -= p.bytes.length;
    this.chunks -= f.chunks.size;
    f.chunks.clear();
    this.files.delete(f.key);
    this.filesForgotten++;
  }
}

/** Bytes before a manifest part's bytes: type, file id, part, parts. */
const PART_HEADER_BYTES = 1 + FILE_ID_BYTES + 2 + 2;

/** The manifest bytes a part's packet carries (its payload past the MANIFEST_PART header). */
function partBytes(p: DataPacket): Uint8Array {
  return p.bytes.subarray(p.payloadOffset + PART_HEADER_BYTES);
}
