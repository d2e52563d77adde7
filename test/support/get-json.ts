/**
 * GET a JSON document from a node under test. fetch keeps connections alive and reuses one the server may be closing
 * at that very moment (its keep-alive timeout, late on a loaded machine): the request then fails with "other side
 * closed" before any answer. Such a request never reached the server's handler, so it is sent once more.
 */

import { tokenHeaders } from './cluster-token.ts';

/** Whether `err` is a connection the server closed before it answered (undici's UND_ERR_SOCKET, or a reset). */
function closedBeforeAnswer(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}

/**
 * The JSON at `url`, each attempt bounded by `timeoutMs`, sending the cluster `token` if given (`/state` asks for
 * it: see cluster-token.ts); a connection closed before the answer is retried once.
 */
export async function getJson<T>(url: string, timeoutMs: number, token?: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (await fetch(url, { headers: tokenHeaders(token), signal: AbortSignal.timeout(timeoutMs) })).json()) as T;
    } catch (err) {
      if (attempt > 1 || !closedBeforeAnswer(err)) throw err;
    }
  }
}
