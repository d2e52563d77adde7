/**
 * Renders an announcement as the paper's Fig. 2 XML, indented two spaces, one RENDEZVOUS element per location, and
 * a signed one's CREATOR last. It only writes: `buildAnnouncement` (announcement-build.ts) checks by parsing back.
 * Without its CREATOR, this rendering is the canonical text a creator signs (announcement-signature.ts).
 */
import { ErrorCode, ScError } from '../core/errors.ts';
import type { Announcement } from './announcement-types.ts';
import { formatSessionName } from './name.ts';

/** Escapes character data: `&`, `<`, `>`, and CR (which XML would otherwise turn into LF). */
function escapeText(value: unknown): string {
  return String(value).replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Escapes an attribute value: as text, plus both quotes, tab and LF (which XML would turn into spaces). */
function escapeAttribute(value: unknown): string {
  return escapeText(value).replace(/["'\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The canonical session name, its failure reported as an announcement failure. */
function nameAttribute(a: Announcement): string {
  try {
    return formatSessionName(a.name);
  } catch (err) {
    if (err instanceof ScError) throw new ScError(ErrorCode.ANNOUNCEMENT_INVALID, `SCATTERCAST ${err.message}`);
    throw err;
  }
}

/** The XML text of an announcement, unchecked. */
export function renderAnnouncement(a: Announcement): string {
  const lines = [`<SCATTERCAST name="${escapeAttribute(nameAttribute(a))}">`];
  if (a.description !== undefined) lines.push(`  <DESCRIPTION>${escapeText(a.description)}</DESCRIPTION>`);
  for (const c of a.channels) {
    lines.push(`  <CHANNEL id="${escapeAttribute(c.id)}">`);
    if (c.description !== undefined) lines.push(`    <DESCRIPTION>${escapeText(c.description)}</DESCRIPTION>`);
    const multicast = c.multicast !== undefined ? ` multicast="${escapeAttribute(c.multicast)}"` : '';
    lines.push(`    <TRANSPORT unicast="${escapeAttribute(c.unicast)}"${multicast}/>`);
    lines.push('  </CHANNEL>');
  }
  for (const location of a.rendezvous) lines.push(`  <RENDEZVOUS>${escapeText(location)}</RENDEZVOUS>`);
  if (a.creator !== undefined) {
    const key = Buffer.from(a.creator.publicKey).toString('base64url');
    const signature = Buffer.from(a.creator.signature).toString('base64url');
    lines.push(`  <CREATOR key="${escapeAttribute(key)}" signature="${escapeAttribute(signature)}"/>`);
  }
  lines.push('</SCATTERCAST>', '');
  return lines.join('\n');
}
