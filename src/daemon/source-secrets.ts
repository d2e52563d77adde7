/**
 * The node config's `trust.sourceSecrets`: per-session secrets that a sending client may present instead of a
 * source token (its `--token`), the one way to send into an unsigned session at a secure node (docs/security.md).
 * Give every node of a cluster the same list: the frontend may place the session on any of them.
 *
 * ```json
 * { "trust": { "sourceSecrets": [{ "session": "scast://example.org/radio", "secret": "at least 16 characters" }] } }
 * ```
 */

import type { Checked } from '../core/config-check.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { utf8Length } from '../core/utf8.ts';
import { formatSessionName, parseSessionName } from '../session/name.ts';

/** The JSON type of `trust.sourceSecrets`: a list of `{ session, secret }`. */
export const SOURCE_SECRETS_SCHEMA = [{ session: 'string', secret: 'string' }] as const;

/** The raw `trust.sourceSecrets`, types already checked. */
export type RawSourceSecrets = Checked<typeof SOURCE_SECRETS_SCHEMA>;

/** Shortest and longest secret, bytes of UTF-8 (the client hello carries at most 255). */
const SECRET_MIN_BYTES = 16;
const SECRET_MAX_BYTES = 255;

/** One session's secret. */
export interface SourceSecret {
  /** The session, its canonical name `scast://creator/name`. */
  readonly session: string;
  /** What a sender presents, 16..255 bytes of UTF-8. */
  readonly secret: string;
}

/** Bytes of the text's UTF-8, or -1 if it holds a lone surrogate. */
function wellFormedLength(text: string): number {
  try {
    return utf8Length(text);
  } catch {
    return -1;
  }
}

/** Validates `trust.sourceSecrets` (types already checked); ScError(ERR_CONFIG_INVALID) naming the entry at fault. */
export function sourceSecrets(raw: RawSourceSecrets = []): readonly SourceSecret[] {
  const seen = new Set<string>();
  return raw.map(({ session, secret }, i) => {
    const at = `"trust.sourceSecrets[${i}]"`;
    if (session === undefined || secret === undefined) throw new ScError(ErrorCode.CONFIG_INVALID, `${at} must be { "session": "scast://creator/name", "secret": "..." }`);
    let name: string;
    try {
      name = formatSessionName(parseSessionName(session));
    } catch (err) {
      throw new ScError(ErrorCode.CONFIG_INVALID, `${at}.session: ${(err as Error).message}`);
    }
    if (seen.has(name)) throw new ScError(ErrorCode.CONFIG_INVALID, `${at} names ${name} a second time`);
    seen.add(name);
    const bytes = wellFormedLength(secret);
    if (bytes < SECRET_MIN_BYTES || bytes > SECRET_MAX_BYTES) {
      throw new ScError(ErrorCode.CONFIG_INVALID, `${at}.secret must be ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes of valid UTF-8`);
    }
    return { session: name, secret };
  });
}
