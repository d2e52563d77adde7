/**
 * Names of the streams of one source: the original keeps the data-header `source` its SCX stamped; a transcoded
 * one is `${source}~${kbps}k` (a tier of the original, wherever in the tree it was made), and its RTP SSRC is drawn
 * from (input SSRC, bitrate, the transcoding SCX), so two SCXs making the same tier never share one.
 */

/** Bytes a data-header `source` may take (data-header.ts: a short string). */
const MAX_SOURCE_BYTES = 255;

const TIER_SUFFIX = /~(\d{1,3})k$/;

/** A stream name split into the original's name and the bitrate its suffix names (undefined: the original). */
export interface StreamName {
  readonly base: string;
  readonly kbps: number | undefined;
}

/** Splits a data-header `source` into its original's name and its tier's bitrate. */
export function parseStreamName(source: string): StreamName {
  const m = TIER_SUFFIX.exec(source);
  return m ? { base: source.slice(0, m.index), kbps: Number(m[1]) } : { base: source, kbps: undefined };
}

/**
 * The tier index of a stream whose suffix names `kbps` among `tiersKbps` (falling): the tier of that bitrate, else
 * the first tier below it (another SCX's tiers may differ); the original (undefined) is tier 0.
 */
export function tierIndexOf(kbps: number | undefined, tiersKbps: readonly number[]): number {
  if (kbps === undefined) return 0;
  const i = tiersKbps.findIndex((k) => k <= kbps);
  return i < 0 ? tiersKbps.length - 1 : i;
}

/** The name of `base`'s stream at `kbps`, or undefined when it would not fit a data header. */
export function tierStreamName(base: string, kbps: number): string | undefined {
  const name = `${base}~${kbps}k`;
  return Buffer.byteLength(name) <= MAX_SOURCE_BYTES ? name : undefined;
}

/** A u32 SSRC drawn from `text` (FNV-1a), for this SCX's reports and its transcoded streams. */
export function ssrcOf(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
