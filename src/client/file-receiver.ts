/**
 * Receiving a file from a `bulk` channel (src/services/bulk/): the first manifest whose signer the receiver trusts
 * (file-manifest.ts's signerRefusal), then chunks from the data path and repairs from the control path, each
 * checked against the manifest's SHA-256 and written at its place in `DIR/.NAME.part`. What is missing is asked
 * of the SCX (WANT): gaps below the highest chunk at once, the tail once data stalls, at most `maxOutstanding`
 * chunks at a time, each again after `retryMs`. A receiver that joins late asks for the manifest first; one whose
 * connection breaks attaches again (`reattach`) and asks for what it lacks. When every chunk is in and the whole
 * file's SHA-256 matches, the file is renamed to `DIR/NAME`.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { JoinAnswer } from '../api/join-answer.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { chunkCount, chunkMatches, decodeManifest, manifestFileId, type Manifest } from '../services/bulk/manifest.ts';
import { decodeBulk, encodeBulk, fileKey, MAX_WANT_CHUNKS, toRanges, type BulkMessage } from '../services/bulk/messages.ts';
import { payloadOf } from '../session/data-header.ts';
import type { SessionName } from '../session/name.ts';
import { attachChannel, type ChannelAttachment } from './channel-client.ts';
import { signerRefusal } from './file-manifest.ts';

/** Options of a file receiver. */
export interface FileReceiverOptions {
  /** The signer's raw Ed25519 public key to trust (default: the key the session name is bound to). */
  readonly trustedKey?: Uint8Array;
  /** Chunks asked for and not yet come, at most (default 32). */
  readonly maxOutstanding?: number;
  /** A chunk asked for is asked again after this long, ms (default 1000). */
  readonly retryMs?: number;
  /** With no new chunk for this long, the tail is asked for, ms (default 500). */
  readonly stallMs?: number;
  /** A fresh answer to attach with after the connection broke (default: the first answer again). */
  readonly reattach?: () => Promise<JoinAnswer>;
  /** Told of the manifest once trusted, and of progress (chunks in, chunks in all). */
  readonly onManifest?: (m: Manifest) => void;
  readonly onProgress?: (have: number, total: number) => void;
}

/** A received file. */
export interface ReceivedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** What a receiver counted. */
export interface ReceiverCounts {
  chunks: number;
  repairs: number;
  duplicates: number;
  refused: number;
  wants: number;
  attaches: number;
}

/** A file being received. */
export interface FileReceiver {
  /** Resolves with the file once its SHA-256 matched; rejects if it did not, or on close. */
  readonly done: Promise<ReceivedFile>;
  readonly counts: Readonly<ReceiverCounts>;
  /** The attachment now (tests cut it). */
  readonly attachment: ChannelAttachment;
  close(): void;
}

/** Manifests being assembled at most (by file id), and how often a missing manifest is asked for, ms. */
const MAX_ASSEMBLING = 4;
const MANIFEST_RETRY_MS = 1000;
const TICK_MS = 50;

/** Receives the file the `bulk` channel `channel` of `session` carries into the folder `dir`. */
export function receiveFile(answer: JoinAnswer, channel: number, session: SessionName, dir: string, options: FileReceiverOptions = {}): FileReceiver {
  const maxOutstanding = options.maxOutstanding ?? 32;
  const retryMs = options.retryMs ?? 1000;
  const stallMs = options.stallMs ?? 500;
  const counts: ReceiverCounts = { chunks: 0, repairs: 0, duplicates: 0, refused: 0, wants: 0, attaches: 0 };
  const assembling = new Map<string, Array<Uint8Array | undefined>>();
  let manifest: Manifest | undefined;
  let fileId: Uint8Array | undefined;
  let fh: FileHandle | undefined;
  let part = '';
  let have = new Uint8Array(0);
  let haveCount = 0;
  let highest = -1;
  let lastChunkAt = performance.now();
  let manifestAskedAt = -Infinity;
  const asked = new Map<number, number>();
  let writes: Promise<unknown> = Promise.resolve();
  let closing = false;
  let finishing = false;
  let settle: { resolve: (f: ReceivedFile) => void; reject: (e: Error) => void } = { resolve: () => undefined, reject: () => undefined };
  const done = new Promise<ReceivedFile>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined);

  const adopt = async (m: Manifest, id: Uint8Array): Promise<void> => {
    manifest = m;
    fileId = id;
    have = new Uint8Array(chunkCount(m.size, m.chunkSize));
    part = join(dir, `.${m.name}.part`);
    fh = await open(part, 'w');
    await fh.truncate(m.size);
    options.onManifest?.(m);
  };
  const onPart = (v: Extract<BulkMessage, { type: 'manifest-part' }>): void => {
    const key = fileKey(v.fileId);
    let parts = assembling.get(key);
    if (!parts || parts.length !== v.parts) {
      if (!parts && assembling.size >= MAX_ASSEMBLING) assembling.delete(assembling.keys().next().value as string);
      parts = new Array<Uint8Array | undefined>(v.parts).fill(undefined);
      assembling.set(key, parts);
    }
    parts[v.part] = new Uint8Array(v.bytes);
    if (parts.some((p) => p === undefined)) return;
    assembling.delete(key);
    const whole = Buffer.concat(parts as Uint8Array[]);
    const m = Buffer.compare(manifestFileId(whole), v.fileId) === 0 ? decodeManifest(whole) : undefined;
    if (!m?.ok || signerRefusal(m.value, session, options.trustedKey) !== undefined) {
      counts.refused++;
      return;
    }
    writes = writes.then(() => adopt(m.value, new Uint8Array(v.fileId)));
  };
  const onChunk = (v: Extract<BulkMessage, { type: 'chunk' }>, repair: boolean): void => {
    const m = manifest;
    if (!m || !fileId || !fh || Buffer.compare(v.fileId, fileId) !== 0) return;
    if (have[v.index] === 1) {
      counts.duplicates++;
      return;
    }
    if (!chunkMatches(m, v.index, v.bytes)) {
      counts.refused++;
      return;
    }
    have[v.index] = 1;
    haveCount++;
    asked.delete(v.index);
    if (repair) counts.repairs++;
    else counts.chunks++;
    highest = Math.max(highest, v.index);
    lastChunkAt = performance.now();
    const file = fh;
    const bytes = v.bytes;
    writes = writes.then(() => file.write(bytes, 0, bytes.length, v.index * m.chunkSize));
    options.onProgress?.(haveCount, have.length);
  };
  const onMessage = (data: Uint8Array, repair: boolean): void => {
    const d = decodeBulk(data);
    if (!d.ok) return void counts.refused++;
    if (d.value.type === 'manifest-part' && !manifest) onPart(d.value);
    if (d.value.type === 'chunk') onChunk(d.value, repair);
  };

  let link: ChannelAttachment;
  const attach = (a: JoinAnswer): void => {
    counts.attaches++;
    const l = attachChannel(a, channel, 'receive', (p) => onMessage(payloadOf(p), false), undefined, (data) => onMessage(data, true));
    link = l;
    asked.clear();
    manifestAskedAt = -Infinity;
    void l.closed.then(async () => {
      if (closing || finishing || link !== l) return;
      await new Promise((r) => setTimeout(r, 200));
      if (closing) return;
      attach(options.reattach ? await options.reattach().catch(() => a) : a);
    });
  };
  attach(answer);

  const want = (now: number): void => {
    if (!manifest || !fileId) {
      if (now - manifestAskedAt < MANIFEST_RETRY_MS) return;
      manifestAskedAt = now;
      counts.wants++;
      return link.sendControl(encodeBulk({ type: 'want-manifest', fileId: undefined }));
    }
    let outstanding = 0;
    for (const [i, at] of asked) {
      if (now - at >= retryMs) asked.delete(i);
      else outstanding++;
    }
    const room = Math.min(maxOutstanding - outstanding, MAX_WANT_CHUNKS);
    if (room <= 0) return;
    const end = now - lastChunkAt > stallMs ? have.length : highest;
    const pick: number[] = [];
    for (let i = 0; i < end && pick.length < room; i++) if (have[i] === 0 && !asked.has(i)) pick.push(i);
    if (pick.length === 0) return;
    for (const i of pick) asked.set(i, now);
    counts.wants++;
    const ranges = toRanges(pick);
    for (let k = 0; k < ranges.length; k += 64) link.sendControl(encodeBulk({ type: 'want', fileId, ranges: ranges.slice(k, k + 64) }));
  };
  const finish = async (m: Manifest): Promise<void> => {
    finishing = true;
    clearInterval(timer);
    await writes;
    await fh?.close();
    const hash = createHash('sha256');
    for await (const b of createReadStream(part)) hash.update(b as Buffer);
    const digest = hash.digest();
    link.close();
    if (Buffer.compare(digest, m.sha256) !== 0) throw new ScError(ErrorCode.ATTACH_FAILED, `${m.name}: the SHA-256 of what came does not match the manifest's`);
    const path = join(dir, m.name);
    await rename(part, path);
    settle.resolve({ path, size: m.size, sha256: digest.toString('hex') });
  };
  const timer = setInterval(() => {
    if (finishing) return;
    if (manifest && haveCount === have.length) return void finish(manifest).catch((e: Error) => settle.reject(e));
    want(performance.now());
  }, TICK_MS);
  return {
    done,
    counts,
    get attachment() {
      return link;
    },
    close() {
      closing = true;
      clearInterval(timer);
      link.close();
      void fh?.close().catch(() => undefined);
      settle.reject(new ScError(ErrorCode.ATTACH_FAILED, 'closed before the file was complete'));
    },
  };
}
