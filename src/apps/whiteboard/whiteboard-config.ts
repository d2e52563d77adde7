/**
 * The node config's `whiteboard` section: the presentations this node serves (each one a session carried by the
 * `adu` module on channel 1), their rendezvous points, and what the edge grants browsers.
 *
 * ```json
 * { "whiteboard": { "presentations": [{ "session": "scast://demo.scattercast/talk", "title": "Scattercast whiteboard" }],
 *                   "rendezvous": ["10.0.0.1:7400"], "smallWidth": 640, "maxViewers": 1000, "maxDeckBytes": 67108864 } }
 * ```
 */

import type { Checked } from '../../core/config-check.ts';
import { ErrorCode, ScError } from '../../core/errors.ts';
import { utf8Length } from '../../core/utf8.ts';
import { isNodeAddress } from '../../net/address.ts';
import { formatSessionName, parseSessionName } from '../../session/name.ts';
import { MAX_PRESENTATION_BYTES } from '../../services/adu/wire/adu.ts';

/** One presentation a node serves. */
export interface WhiteboardPresentation {
  /** The session's canonical name, `scast://creator/name`; the ADUs' presentation is its last path part. */
  readonly session: string;
  /** The title pages show, 1..200 characters. */
  readonly title: string;
}

/** The `whiteboard` section, validated. */
export interface WhiteboardConfig {
  /** The presentations, at least one; the first is the pages' default. */
  readonly presentations: readonly WhiteboardPresentation[];
  /** The sessions' rendezvous points, host:port (default: this node). */
  readonly rendezvous: readonly string[] | undefined;
  /** A viewer whose screen is narrower than this is a small device, CSS px (default 640). */
  readonly smallWidth: number;
  /** Most browsers (viewers and presenters) connected to this node at once (default 1000). */
  readonly maxViewers: number;
  /** Most bytes of object bodies and images one presentation's model holds, bytes (default 64 MiB). */
  readonly maxDeckBytes: number;
  /** Most objects one presentation's model holds (default 20000). */
  readonly maxObjects: number;
}

/** The `whiteboard` keys a config file may hold and their JSON types. */
export const WHITEBOARD_CONFIG_SCHEMA = {
  presentations: [{ session: 'string', title: 'string' }],
  rendezvous: ['string'],
  smallWidth: 'number',
  maxViewers: 'number',
  maxDeckBytes: 'number',
  maxObjects: 'number',
} as const;

/** The raw section, types checked. */
export type RawWhiteboard = Checked<typeof WHITEBOARD_CONFIG_SCHEMA>;

function bad(msg: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, msg);
}

function intIn(key: string, v: number | undefined, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(Number.isInteger(v) && v >= min && v <= max)) bad(`"whiteboard.${key}" must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return v;
}

/** The ADUs' `presentation` of a session: its name's last path part (`talk` for `scast://demo.scattercast/talk`). */
export function presentationOf(session: string): string {
  return parseSessionName(session).name.split('/').at(-1) as string;
}

function presentation(p: NonNullable<RawWhiteboard['presentations']>[number], i: number): WhiteboardPresentation {
  const where = `whiteboard.presentations[${i}]`;
  if (p.session === undefined) bad(`"${where}.session" is needed: the session name, scast://creator/name`);
  let session: string;
  try {
    session = formatSessionName(parseSessionName(p.session));
  } catch (err) {
    bad(`"${where}.session" is not a session name: ${(err as Error).message}`);
  }
  const part = presentationOf(session);
  if (part.length === 0 || utf8Length(part) > MAX_PRESENTATION_BYTES) bad(`"${where}.session" must end in a name part of 1 to ${MAX_PRESENTATION_BYTES} bytes`);
  const title = p.title ?? part;
  if (title.length < 1 || title.length > 200 || /[\r\n]/.test(title)) bad(`"${where}.title" must be one line of 1 to 200 characters`);
  return { session, title };
}

/** The section's values checked (ERR_CONFIG_INVALID naming the key); undefined when the section is absent. */
export function whiteboardConfig(raw: RawWhiteboard | undefined): WhiteboardConfig | undefined {
  if (raw === undefined) return undefined;
  const presentations = (raw.presentations ?? []).map(presentation);
  if (presentations.length === 0) bad('"whiteboard.presentations" must list at least one presentation');
  if (new Set(presentations.map((p) => p.session)).size !== presentations.length) bad('"whiteboard.presentations" lists a session twice');
  if (new Set(presentations.map((p) => presentationOf(p.session))).size !== presentations.length) bad('"whiteboard.presentations" has two sessions whose names end alike');
  for (const [i, r] of (raw.rendezvous ?? []).entries()) if (!isNodeAddress(r)) bad(`"whiteboard.rendezvous[${i}]" must be a node address, host:port (got ${JSON.stringify(r)})`);
  if (raw.rendezvous !== undefined && raw.rendezvous.length === 0) bad('"whiteboard.rendezvous" may not be empty (leave it out for this node)');
  return {
    presentations,
    rendezvous: raw.rendezvous,
    smallWidth: intIn('smallWidth', raw.smallWidth, 100, 10_000, 640),
    maxViewers: intIn('maxViewers', raw.maxViewers, 1, 100_000, 1000),
    maxDeckBytes: intIn('maxDeckBytes', raw.maxDeckBytes, 1 << 20, 1 << 30, 64 << 20),
    maxObjects: intIn('maxObjects', raw.maxObjects, 16, 1_000_000, 20_000),
  };
}

/** The section as a config file holds it, every default filled in; `whiteboardConfig` accepts it back. */
export function whiteboardConfigJson(c: WhiteboardConfig): RawWhiteboard {
  return {
    presentations: c.presentations.map((p) => ({ ...p })),
    ...(c.rendezvous && { rendezvous: [...c.rendezvous] }),
    smallWidth: c.smallWidth,
    maxViewers: c.maxViewers,
    maxDeckBytes: c.maxDeckBytes,
    maxObjects: c.maxObjects,
  };
}
