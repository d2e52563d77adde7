import { readFileSync } from 'node:fs';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { AnnouncementRef } from '../client/frontend-client.ts';

/** The `--announcement FILE` or `--url URL` of `join` and `send`: exactly one of them. */
export function announcementRef(flags: { announcement?: string; url?: string }): AnnouncementRef {
  if ((flags.announcement === undefined) === (flags.url === undefined)) {
    throw new ScError(ErrorCode.USAGE, 'give the session announcement as --announcement FILE or --url URL (one of them)');
  }
  if (flags.url !== undefined) return { url: flags.url };
  try {
    return { announcement: readFileSync(flags.announcement as string, 'utf8') };
  } catch (err) {
    throw new ScError(ErrorCode.USAGE, `cannot read announcement ${flags.announcement}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
