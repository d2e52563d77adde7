import { ErrorCode, ScError } from '../core/errors.ts';
import type { JoinAnswer } from '../api/join-answer.ts';

/** How a client names the session's announcement to a frontend: the XML itself, or a URL to it. */
export type AnnouncementRef = { readonly announcement: string } | { readonly url: string };

/** Most time a frontend may take to answer, ms. */
const FRONTEND_TIMEOUT_MS = 15_000;

/**
 * Asks a cluster frontend (paper 3.4) for a session: it finds or starts the SCX and answers where each channel
 * is served. An error the frontend answers comes back as an ScError with the frontend's own code.
 */
export async function askFrontend(frontend: string, name: string, ref: AnnouncementRef): Promise<JoinAnswer> {
  let url: URL;
  try {
    url = new URL('/v1/sessions', /^https?:\/\//.test(frontend) ? frontend : `http://${frontend}`);
  } catch {
    throw new ScError(ErrorCode.USAGE, `"${frontend}" is not a frontend address (host:port or http://host:port)`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, ...ref }),
      signal: AbortSignal.timeout(FRONTEND_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ScError(ErrorCode.FRONTEND_UNREACHABLE, `cannot reach the frontend at ${url.origin}: ${cause}`);
  }
  const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | JoinAnswer | undefined;
  if (!res.ok || !body || 'error' in body) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ScError(e?.code ?? ErrorCode.FRONTEND_UNREACHABLE, `frontend refused (HTTP ${res.status}): ${e?.message ?? 'no explanation'}`);
  }
  return body as JoinAnswer;
}
