/**
 * Renders an announcement as the paper's Fig. 2 XML, indented two spaces, one RENDEZVOUS element per location.
 * It only writes: `buildAnnouncement` checks the result by parsing it back.
 */
import { ErrorCode, ScError } from '../core/errors.ts';
import { parseAnnouncement, readLocation, type Announcement } from './announcement.ts';
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
  lines.push('</SCATTERCAST>', '');
  return lines.join('\n');
}

/** The announcement as pretty Fig. 2 XML, checked by parsing it back; the same ScErrors as parseAnnouncement. */
export function buildAnnouncement(a: Announcement): string {
  for (const location of a.rendezvous) readLocation(String(location));
  return renderAnnouncement(parseAnnouncement(renderAnnouncement(a)));
}
