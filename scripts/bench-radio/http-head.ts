/** The head of an HTTP (or ICY) response as the bench's clients read it: where it ends and whether it says 200. */

/** Most head bytes a client accepts before it gives up on the server. */
export const MAX_HEAD_BYTES = 8192;

/** A response head: the status line, whether it is a 200, and the offset of the first body byte. */
export interface ResponseHead {
  readonly status: string;
  readonly ok: boolean;
  readonly bodyStart: number;
}

/**
 * Reads a response head from the bytes received so far: the head once `\r\n\r\n` arrived, `undefined` while it may
 * still come, `'too-long'` past MAX_HEAD_BYTES without one.
 */
export function responseHead(buf: Buffer): ResponseHead | undefined | 'too-long' {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_HEAD_BYTES ? 'too-long' : undefined;
  const status = buf.subarray(0, buf.indexOf('\r\n')).toString('latin1');
  return { status, ok: /^(HTTP\/1\.[01]|ICY) 200/.test(status), bodyStart: end + 4 };
}
