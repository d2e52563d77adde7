/** Key files: written once, readable by their owner only, never half-written (two nodes starting at once agree). */

import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';

/** The file's text, or undefined if it does not exist; throws ERR_TRUST_INVALID if it cannot be read. */
export function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ScError(ErrorCode.TRUST_INVALID, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Writes `text` to `path` (mode 0600, folders 0700) unless it exists; gives back what the file holds afterwards, so
 * that of two writers at once both use the first one's text. Throws ERR_TRUST_INVALID if it cannot be written.
 */
export function writeOnce(path: string, text: string): string {
  const dir = join(path, '..');
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  } catch (err) {
    throw new ScError(ErrorCode.TRUST_INVALID, `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return readFileSync(path, 'utf8');
}
