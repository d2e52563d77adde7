/**
 * The first bytes of a radio port connection, read as they come (sans IO): enough of them to tell a source
 * (`PUT`/`SOURCE`, whose whole head is then read and decoded here) from any other request (handed on as soon as its
 * request line is complete, with every byte read so far, for the HTTP server to parse). Holds at most `headBytes`
 * plus one read: a request line or a source's head not complete within `headBytes` is refused as too large, and
 * bytes that can no longer become a request line are refused at once.
 */

import { ErrorCode } from '../../../core/errors.ts';
import { decodeRequestHead, decodeRequestLine, headEnd, mayBeRequestLine, requestLineEnd, type RequestHead } from './request-head.ts';
import { SOURCE_METHODS } from './source-request.ts';

/** What the bytes so far make. */
export type HeadVerdict =
  /** Not enough yet. */
  | { readonly kind: 'more' }
  /** A malformed head (ERR_INGEST_HEAD) or one past headBytes (ERR_INGEST_HEAD_SIZE). */
  | { readonly kind: 'refused'; readonly code: typeof ErrorCode.INGEST_HEAD | typeof ErrorCode.INGEST_HEAD_SIZE }
  /** A request that is not a source: every byte read so far. */
  | { readonly kind: 'other'; readonly bytes: Buffer }
  /** A source's head, and the stream's first bytes that came with it. */
  | { readonly kind: 'source'; readonly head: RequestHead; readonly rest: Buffer };

const MORE: HeadVerdict = { kind: 'more' };

/** Reads one connection's head; call `push` with each read until it says something else than 'more'. */
export class HeadReader {
  private buffered: Buffer = Buffer.alloc(0);
  private isSource = false;

  /** @param headBytes most bytes of a request line, or of a source's head, bytes */
  constructor(private readonly headBytes: number) {}

  /** The verdict on everything pushed so far, `chunk` included. */
  push(chunk: Buffer): HeadVerdict {
    const b = (this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]));
    if (!this.isSource) {
      const end = requestLineEnd(b);
      if (this.tooLarge(end)) return { kind: 'refused', code: ErrorCode.INGEST_HEAD_SIZE };
      if (end < 0) return mayBeRequestLine(b) ? MORE : { kind: 'refused', code: ErrorCode.INGEST_HEAD };
      const line = decodeRequestLine(b.subarray(0, end - 2));
      if (!line.ok) return { kind: 'refused', code: ErrorCode.INGEST_HEAD };
      if (!SOURCE_METHODS.has(line.value.method)) return { kind: 'other', bytes: b };
      this.isSource = true;
    }
    const end = headEnd(b, b.length - chunk.length);
    if (this.tooLarge(end)) return { kind: 'refused', code: ErrorCode.INGEST_HEAD_SIZE };
    if (end < 0) return MORE;
    const head = decodeRequestHead(b.subarray(0, end));
    return head.ok ? { kind: 'source', head: head.value, rest: b.subarray(end) } : { kind: 'refused', code: ErrorCode.INGEST_HEAD };
  }

  /** Whether `end` (-1: not come yet) lies past headBytes, or has not come within them. */
  private tooLarge(end: number): boolean {
    return end < 0 ? this.buffered.length > this.headBytes : end > this.headBytes;
  }
}
