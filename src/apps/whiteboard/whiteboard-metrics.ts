/** The whiteboard on the node's `/metrics`: browsers, presenters and the model per presentation, refusals, ADUs, small-device images. */

import type { Registry } from 'prom-client';
import { family, type Sample } from '../../daemon/metric-family.ts';
import type { PresentationEdge } from './edge/presentation.ts';
import type { WhiteboardMetrics } from './whiteboard.ts';

/** Registers the whiteboard families on `r`. */
export function addWhiteboard(r: Registry, wb: WhiteboardMetrics): void {
  const per = (f: (e: PresentationEdge) => number) => (): Sample[] => [...wb.presentations].map(([session, e]): Sample => [{ session }, f(e)]);
  const S = ['session'];
  const s = wb.stats;
  const one = (f: () => number) => (): Sample[] => [[{}, f()]];
  family(r, 'gauge', 'scattercast_whiteboard_viewers', 'Browsers viewing the presentation at this node.', S, per((e) => e.browsers.size - (e.presenting ? 1 : 0)));
  family(r, 'gauge', 'scattercast_whiteboard_presenters', 'Presenters of the presentation connected to this node (0 or 1).', S, per((e) => (e.presenting ? 1 : 0)));
  family(r, 'gauge', 'scattercast_whiteboard_objects', 'Objects of the presentation held at this node (deleted ones included).', S, per((e) => e.model.objects));
  family(r, 'gauge', 'scattercast_whiteboard_bytes', 'Bytes of the presentation held at this node (bodies and images, bounded by whiteboard.maxDeckBytes).', S, per((e) => e.model.bytes));
  family(r, 'counter', 'scattercast_whiteboard_refusals_total', 'Browser connections and messages, and network ADUs, refused, by code.', ['code'], () =>
    [...s.refusals].map(([code, n]): Sample => [{ code }, n]),
  );
  family(r, 'counter', 'scattercast_whiteboard_adus_total', 'Whole ADUs published here (out) and delivered here by the adu module (in).', ['direction'], () => [
    [{ direction: 'out' }, s.adusOut],
    [{ direction: 'in' }, s.adusIn],
  ]);
  family(r, 'counter', 'scattercast_whiteboard_stale_total', 'Delivered ADUs dropped for a version at or below the one held.', [], one(() => s.stale));
  family(r, 'counter', 'scattercast_whiteboard_images_transcoded_total', 'Images sent to small devices as 2-bit grayscale PNGs.', [], one(() => s.imagesTranscoded));
  family(r, 'counter', 'scattercast_whiteboard_image_bytes_saved_total', 'Bytes small devices were spared by transcoding (original minus sent).', [], one(() => s.bytesSaved));
  family(r, 'counter', 'scattercast_whiteboard_transcode_failures_total', 'Images sent to small devices in the original because the transcode was refused.', [], one(() => s.transcodeFailures));
}
