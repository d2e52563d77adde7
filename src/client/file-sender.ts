/**
 * Sending a file into a `bulk` channel (src/services/bulk/): the signed manifest, then every chunk, at most `window`
 * chunks ahead of the credits the source SCX gives back and never past a full connection. While attached, the
 * sender answers the WANTs its SCX relays when no cache on the way has a chunk.
 */

import { open, type FileHandle } from 'node:fs/promises';
import type { JoinAnswer } from '../api/join-answer.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { decodeManifest, manifestParts } from '../services/bulk/manifest.ts';
import { decodeBulk, encodeBulk } from '../services/bulk/messages.ts';
import { attachChannel } from './channel-client.ts';
import type { SignedManifest } from './file-manifest.ts';

/** Options of a file sender. */
export interface FileSenderOptions {
  /** The source token or the session's secret (default: none). */
  readonly credential?: string;
  /** Chunks sent ahead of the SCX's credits at most (default 32). */
  readonly window?: number;
  /** Told after each chunk is credited, with how many are and how many there are. */
  readonly onProgress?: (credited: number, total: number) => void;
}

/** A file being sent. */
export interface FileSender {
  /** Resolves once the SCX took every chunk; rejects if the attachment ends first. */
  readonly sent: Promise<void>;
  /** Chunks re-sent because an SCX asked for them. */
  readonly resent: number;
  /** Detaches (repairs are no longer answered). */
  close(): void;
  /** Resolves when the attachment is gone, with why. */
  readonly closed: Promise<string>;
}

/** Sends the file at `path`, described by `manifest`, on `channel` of the session `answer` names. */
export async function sendFile(answer: JoinAnswer, channel: number, path: string, manifest: SignedManifest, options: FileSenderOptions = {}): Promise<FileSender> {
  const parts = manifestParts(manifest.bytes); // ERR_FILE_TOO_LARGE past MAX_MANIFEST_PARTS, before attaching
  const d = decodeManifest(manifest.bytes);
  if (!d.ok) throw new ScError(ErrorCode.USAGE, `the manifest does not decode: ${d.reason}`);
  const { size, chunkSize } = d.value;
  const count = Math.ceil(size / chunkSize);
  const window = options.window ?? 32;
  const fileId = manifest.fileId;
  const fh: FileHandle = await open(path, 'r');
  const read = async (index: number): Promise<Uint8Array> => {
    const buf = Buffer.allocUnsafe(Math.min(chunkSize, size - index * chunkSize));
    await fh.read(buf, 0, buf.length, index * chunkSize);
    return buf;
  };
  let credited = -1;
  let resent = 0;
  let wake: () => void = () => undefined;
  let repairs = Promise.resolve();
  const onControl = (data: Uint8Array): void => {
    const m = decodeBulk(data);
    if (!m.ok || !('fileId' in m.value) || m.value.fileId === undefined || Buffer.compare(m.value.fileId, fileId) !== 0) return;
    const v = m.value;
    if (v.type === 'credit' && v.through > credited && v.through < count) {
      credited = v.through;
      options.onProgress?.(credited + 1, count);
      wake();
    }
    if (v.type !== 'want') return;
    // Answered one after another, in the order asked.
    repairs = repairs.then(async () => {
      for (const r of v.ranges) {
        for (let i = r.first; i < r.first + r.count && i < count; i++) {
          link.sendControl(encodeBulk({ type: 'chunk', fileId, index: i, bytes: await read(i) }));
          resent++;
        }
      }
    }).catch(() => undefined);
  };
  const link = attachChannel(answer, channel, 'send', undefined, options.credential, onControl);
  let gone: string | undefined;
  const closed = link.closed.then((why) => {
    gone = why;
    wake();
    void fh.close().catch(() => undefined);
    return why;
  });
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) {
      if (gone !== undefined) throw new ScError(link.refusal ?? ErrorCode.ATTACH_FAILED, `the SCX ${answer.scx} ended the attachment: ${gone}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (!link.writable) link.onDrain(resolve);
      });
    }
  };
  const sent = (async (): Promise<void> => {
    link.send(parts.map((bytes, part) => encodeBulk({ type: 'manifest-part', fileId, part, parts: parts.length, bytes })));
    for (let i = 0; i < count; i++) {
      await until(() => link.writable && i - credited <= window);
      link.send([encodeBulk({ type: 'chunk', fileId, index: i, bytes: await read(i) })]);
    }
    await until(() => credited === count - 1);
  })();
  sent.catch(() => undefined);
  return {
    sent,
    get resent() {
      return resent;
    },
    close: () => link.close(),
    closed,
  };
}
