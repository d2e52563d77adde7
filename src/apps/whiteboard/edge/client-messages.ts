/**
 * The browser -> SCX messages of the whiteboard's WebSocket (contract section 3), parsed from hostile text: each
 * field's type and range checked; bodies are left to `checkBody`. Keys a message does not use are ignored.
 */

import { ErrorCode } from '../../../core/errors.ts';
import { parseJson } from './adu-body.ts';

/** Largest u32 id or version. */
const U32_MAX = 0xffffffff;

/** Longest credential a hello may carry, characters (a source token or a secret). */
export const MAX_CREDENTIAL_CHARS = 1024;

/** The first message of every client. */
export interface Hello {
  readonly t: 'hello';
  readonly role: 'view' | 'present';
  readonly device: 'desktop' | 'small';
  /** The screen's width, CSS px. */
  readonly width: number;
  readonly credential?: string;
}

/** The slide on the client's screen changed (its interest). */
export interface View {
  readonly t: 'view';
  readonly slide: number;
}

/** A presenter's new version of an object (an image's bytes follow in one binary frame). */
export interface ObjectEdit {
  readonly t: 'obj';
  readonly slide: number;
  readonly id: number;
  readonly v: number;
  readonly kind: string;
  readonly body: unknown;
  /** false while a stroke is being drawn (sent best-effort); absent or true otherwise. */
  readonly final: boolean;
}

/** The presenter's current slide. */
export interface Current {
  readonly t: 'current';
  readonly slide: number;
}

/** One browser message. */
export type ClientMessage = Hello | View | ObjectEdit | Current;

/** A message refused: the code the client is answered with and why. */
export interface MessageRefusal {
  readonly code: string;
  readonly message: string;
}

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

function refuse(message: string): MessageRefusal {
  return { code: ErrorCode.WB_MESSAGE, message };
}

/** Parses one text frame; a refusal says what is wrong. */
export function parseClientMessage(text: string): ClientMessage | MessageRefusal {
  const parsed = parseJson(text);
  if (!parsed.ok) return refuse(parsed.problem);
  const m = parsed.value;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return refuse('a message is a JSON object');
  const r = m as Record<string, unknown>;
  switch (r.t) {
    case 'hello':
      return hello(r);
    case 'view':
    case 'current':
      if (!isInt(r.slide, 1, 65535)) return refuse(`${r.t}.slide must be an integer 1..65535`);
      return { t: r.t, slide: r.slide };
    case 'obj':
      if (!isInt(r.slide, 1, 65535)) return refuse('obj.slide must be an integer 1..65535');
      if (!isInt(r.id, 1, U32_MAX) || !isInt(r.v, 1, U32_MAX)) return refuse('obj.id and obj.v must be integers 1..4294967295');
      if (typeof r.kind !== 'string' || r.kind === 'current') return refuse('obj.kind must be an object kind (the current slide is a "current" message)');
      if (r.final !== undefined && typeof r.final !== 'boolean') return refuse('obj.final must be true or false');
      return { t: 'obj', slide: r.slide, id: r.id, v: r.v, kind: r.kind, body: r.body, final: r.final !== false };
    default:
      return refuse(`unknown message ${JSON.stringify(String(r.t).slice(0, 20))}`);
  }
}

function hello(r: Record<string, unknown>): Hello | MessageRefusal {
  const no = (message: string): MessageRefusal => ({ code: ErrorCode.WB_HELLO, message });
  if (r.role !== 'view' && r.role !== 'present') return no('hello.role must be "view" or "present"');
  if (r.device !== 'desktop' && r.device !== 'small') return no('hello.device must be "desktop" or "small"');
  if (!isInt(r.width, 1, 100_000)) return no('hello.width must be the screen width in CSS px, an integer 1..100000');
  if (r.credential !== undefined && (typeof r.credential !== 'string' || r.credential.length > MAX_CREDENTIAL_CHARS)) {
    return no(`hello.credential must be a string of at most ${MAX_CREDENTIAL_CHARS} characters`);
  }
  return { t: 'hello', role: r.role, device: r.device, width: r.width, ...(r.credential !== undefined && { credential: r.credential }) };
}
