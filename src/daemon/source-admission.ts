/**
 * Who may attach to a session at this node as a source (docs/security.md). A signed session takes a sender whose
 * credential is a source token its creator signed for it, unexpired; any session takes one that presents the secret
 * `trust.sourceSecrets` holds for it. An unsigned session without a secret takes no sender at a secure node, and
 * any sender at an insecure one. Receivers are not checked here: they stay open.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '../core/errors.ts';
import type { Announcement } from '../session/announcement.ts';
import { sessionIdHex } from '../session/name.ts';
import { sourceTokenRefusal } from '../session/source-token.ts';
import type { SourceSecret } from './source-secrets.ts';

/** What the node's config says about sources. */
export interface SourcePolicy {
  /** The node is insecure (`trust.insecure`): an unsigned session without a secret takes any sender. */
  readonly insecure: boolean;
  /** `trust.sourceSecrets`. */
  readonly secrets: readonly SourceSecret[];
}

/** The verdict on one sender: how it was let in, or the code it is refused with. */
export type Admission = { readonly ok: true; readonly how: 'open' | 'secret' | 'token' } | { readonly ok: false; readonly code: string };

/** The secure default: no secrets, unsigned sessions closed to senders. */
export const SECURE_SOURCES: SourcePolicy = { insecure: false, secrets: [] };

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Admits or refuses senders, and counts the refusals by code. */
export class SourceAdmission {
  /** SHA-256 of each secret, by session id hex (compared in constant time). */
  private readonly secrets: ReadonlyMap<string, Buffer>;
  /** Senders refused, by error code. */
  readonly refused = new Map<string, number>();

  constructor(private readonly policy: SourcePolicy = SECURE_SOURCES) {
    this.secrets = new Map(policy.secrets.map((s) => [sessionIdHex(s.session), digest(s.secret)]));
  }

  /** Whether a sender presenting `credential` (if any) may send into the announced session now (`nowMs`, Unix ms). */
  admit(announcement: Announcement, credential: string | undefined, nowMs: number): Admission {
    const verdict = this.judge(announcement, credential, nowMs);
    if (!verdict.ok) this.refused.set(verdict.code, (this.refused.get(verdict.code) ?? 0) + 1);
    return verdict;
  }

  private judge(a: Announcement, credential: string | undefined, nowMs: number): Admission {
    const hex = sessionIdHex(a.name);
    const secret = this.secrets.get(hex);
    if (a.creator === undefined && secret === undefined) return this.policy.insecure ? { ok: true, how: 'open' } : { ok: false, code: ErrorCode.SOURCE_UNSIGNED_SESSION };
    if (credential === undefined) return { ok: false, code: ErrorCode.SOURCE_NO_CREDENTIAL };
    if (secret !== undefined && timingSafeEqual(digest(credential), secret)) return { ok: true, how: 'secret' };
    if (a.creator === undefined) return { ok: false, code: ErrorCode.SOURCE_CREDENTIAL_INVALID };
    const code = sourceTokenRefusal(credential, { publicKey: a.creator.publicKey, sessionId: Buffer.from(hex, 'hex'), nowS: Math.floor(nowMs / 1000) });
    return code === undefined ? { ok: true, how: 'token' } : { ok: false, code };
  }
}
