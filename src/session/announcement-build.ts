/** Builds an announcement's XML (announcement-render.ts), checked by parsing it back. */
import { parseAnnouncement, readLocation, type Announcement } from './announcement.ts';
import { renderAnnouncement } from './announcement-render.ts';

export { renderAnnouncement } from './announcement-render.ts';

/** The announcement as pretty Fig. 2 XML, checked by parsing it back; the same ScErrors as parseAnnouncement. */
export function buildAnnouncement(a: Announcement): string {
  for (const location of a.rendezvous) readLocation(String(location));
  return renderAnnouncement(parseAnnouncement(renderAnnouncement(a)));
}
