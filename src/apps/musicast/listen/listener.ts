/**
 * One player tuned to a mount: its socket and, when it asked for ICY metadata, where its next block falls and which
 * title it last got. Writes never copy audio: a player without metadata gets the mount's shared Buffer as it is, a
 * player with metadata gets views of it around the shared title block, corked into one writev.
 */

import type { Socket } from 'node:net';
import { NO_CHANGE_BLOCK } from './icy-metadata.ts';

/** The mount's title as listeners get it: its block, and a version that changes with it. */
export interface CurrentTitle {
  /** Bumped on every change of title. */
  readonly version: number;
  /** The whole block carrying it (encodeMetadataBlock). */
  readonly block: Buffer;
}

/** One player's connection. */
export class Listener {
  /** Stream offset of this player's next metadata block (Infinity without metadata). */
  private nextBlock: number;
  /** The title version its last block carried (-1: no block yet, so its first block carries the title). */
  private seenVersion = -1;

  /** `metaint`: bytes of audio between blocks, undefined without metadata; `start`: stream offset of its first audio byte. */
  constructor(
    readonly socket: Socket,
    private readonly metaint: number | undefined,
    start: number,
  ) {
    this.nextBlock = metaint === undefined ? Infinity : start + metaint;
  }

  /** Bytes queued in user space for this player, not yet taken by the kernel. */
  get backlog(): number {
    return this.socket.writableLength;
  }

  /** Writes `span`, the stream from offset `at` on, with metadata blocks where due; returns the bytes written. */
  send(span: Buffer, at: number, title: CurrentTitle): number {
    const end = at + span.length;
    const s = this.socket;
    if (this.nextBlock > end) {
      s.write(span);
      return span.length;
    }
    let written = span.length;
    let pos = at;
    s.cork();
    while (this.nextBlock <= end) {
      if (this.nextBlock > pos) s.write(span.subarray(pos - at, this.nextBlock - at));
      const block = this.seenVersion === title.version ? NO_CHANGE_BLOCK : title.block;
      this.seenVersion = title.version;
      s.write(block);
      written += block.length;
      pos = this.nextBlock;
      this.nextBlock += this.metaint!;
    }
    if (pos < end) s.write(span.subarray(pos - at));
    s.uncork();
    return written;
  }
}
