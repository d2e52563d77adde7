/**
 * A child process's stderr as log lines: split on newlines, each line cut to a bound, and rate-limited (a child that
 * prints a line per frame must not flood the node's log).
 */

import { RepeatLimiter, type Logger } from '../../../daemon/log.ts';

/** Longest line kept, characters; the rest of a longer line is dropped. */
export const MAX_LINE_CHARS = 512;

/** Lines logged per window; the rest are counted and summarised once the window ends. */
const LINES_PER_WINDOW = 5;
/** The rate limit's window, ms. */
const WINDOW_MS = 10_000;

/** Logs a child's stderr, one warning per line, at most LINES_PER_WINDOW per WINDOW_MS. */
export class StderrLines {
  private partial = '';
  private readonly limiter: RepeatLimiter;

  /** `what` names the child in every line (`ffmpeg transcoder`); `fields` are added to each line. */
  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly fields: Record<string, unknown>,
  ) {
    this.limiter = new RepeatLimiter(
      (s) => log('warn', `${what}: stderr lines suppressed`, { ...fields, suppressed: s.suppressed, windowMs: s.windowMs }),
      { max: LINES_PER_WINDOW, windowMs: WINDOW_MS },
    );
  }

  /** Takes a chunk of stderr; logs every line it completes. */
  push(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = (lines.pop() ?? '').slice(0, MAX_LINE_CHARS);
    for (const line of lines) this.emit(line);
  }

  /** Logs the last line if it had no newline (the child exited). */
  flush(): void {
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private emit(line: string): void {
    const text = line.trimEnd().slice(0, MAX_LINE_CHARS);
    if (text === '' || !this.limiter.admit('warn', this.what)) return;
    this.log('warn', `${this.what} said`, { ...this.fields, line: text });
  }
}
