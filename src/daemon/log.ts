/** Structured logs: one JSON object per line on stderr, `{ t, level, msg, ...fields }`. */

/** Log levels, quietest last. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The log levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes one log line. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** A logger that writes lines at `min` and above to `out` (stderr by default), each tagged with `base` fields. */
export function createLogger(min: LogLevel, base: Record<string, unknown> = {}, out: NodeJS.WritableStream = process.stderr): Logger {
  return (level, msg, fields) => {
    if (RANK[level] < RANK[min]) return;
    out.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...base, ...fields })}\n`);
  };
}
