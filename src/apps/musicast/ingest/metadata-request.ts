/**
 * Icecast's metadata update, `GET /admin/metadata?mount=/live&mode=updinfo&song=Artist%20-%20Title`, with the
 * mount's source credentials (as Basic auth): the new StreamTitle goes to the station. Answered as icecast2 answers
 * it: `<iceresponse>` XML on success, 401 with the realm, 400 `Source does not exist` when the mount has no live
 * source or the request lacks `mode=updinfo` or `song`; and 404 for a mount the station does not have (Icecast,
 * which has a global source password, says 400 there). The song is bounded by the HTTP server's head limit (16 KiB).
 */

import { ErrorCode } from '../../../core/errors.ts';
import { credentialsMatch, parseBasic } from './basic-auth.ts';
import type { IngestHandlers } from './ingest-handlers.ts';
import { mountOf, type RefusedRequest } from './source-request.ts';

/** The path of the metadata update. */
export const METADATA_PATH = '/admin/metadata';

/** An accepted update: the mount whose title changed. */
export interface MetadataUpdated {
  readonly ok: true;
  readonly mount: string;
}

/** Checks an update's query and Authorization value; hands the song to the station when everything holds. */
export function updateMetadata(query: URLSearchParams, authorization: string | undefined, ingest: IngestHandlers): MetadataUpdated | RefusedRequest {
  const mount = mountOf(query.get('mount'));
  if (mount === undefined) return { ok: false, code: ErrorCode.INGEST_METADATA };
  const expected = ingest.credentials(mount);
  if (expected === undefined) return { ok: false, code: ErrorCode.INGEST_NO_MOUNT, mount };
  if (!credentialsMatch(parseBasic(authorization), expected)) return { ok: false, code: ErrorCode.INGEST_AUTH, mount };
  const song = query.get('song');
  if (query.get('mode') !== 'updinfo' || song === null || !ingest.metadata(mount, song)) return { ok: false, code: ErrorCode.INGEST_METADATA, mount };
  return { ok: true, mount };
}
