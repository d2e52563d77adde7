/**
 * Structured logs through pino: one JSON object per line on stderr, `{ level, t, ...fields, msg }` (level names
 * as words, `t` an ISO time). This is the one place loggers are made.
 *
 * Repeats are rate-limited: past `max` lines with the same level and message in one window of `windowMs` (per
 * logger), the rest of the window's lines with that message are dropped, and one summary line at the window's end
 * says how many (`{ msg: "repeated log lines suppressed", repeated, suppressed, windowMs }`). A flood of bad
 * hellos is then `max` lines and one summary per window, not one line per connection.
 */

import pino from 'pino';

/** Log levels, quietest last. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The log levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes one log line. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** Lines of one message allowed per window, by default. */
export const REPEAT_MAX = 20;
/** The window of the repeat limit, ms, by default. */
export const REPEAT_WINDOW_MS = 10_000;

/** How repeats are limited. */
export interface RepeatLimitOptions {
  /** Lines with the same level and message written per window; the rest are counted (default REPEAT_MAX). */
  readonly max?: number;
  /** The window, ms (default REPEAT_WINDOW_MS). */
  readonly windowMs?: number;
  /** Monotonic clock, ms (default `performance.now`). */
  readonly now?: () => number;
  /** Runs `fn` in `ms` (default an unref'd `setTimeout`): writes a window's summary when its lines stop coming. */
  readonly schedule?: (fn: () => void, ms: number) => void;
}

/** What a closed window with suppressed lines reports. */
export interface Suppressed {
  readonly level: LogLevel;
  readonly msg: string;
  readonly suppressed: number;
  readonly windowMs: number;
}

interface Window {
  readonly start: number;
  readonly level: LogLevel;
  readonly msg: string;
  written: number;
  suppressed: number;
}

/** Windows kept at most; past this, closed ones are swept (messages are constants, so this is never reached). */
const MAX_WINDOWS = 1000;

/**
 * The repeat limit of one logger: a fixed window per (level, message) that opens at its first line; the first
 * `max` lines of a window are written, the others counted, and a window that counted any reports them once, when
 * it ends (from a timer, or from the next line of the same message if that comes first).
 */
export class RepeatLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void, ms: number) => void;

  constructor(
    private readonly report: (s: Suppressed) => void,
    o: RepeatLimitOptions = {},
  ) {
    this.max = o.max ?? REPEAT_MAX;
    this.windowMs = o.windowMs ?? REPEAT_WINDOW_MS;
    this.now = o.now ?? (() => performance.now());
    this.schedule = o.schedule ?? ((fn, ms) => setTimeout(fn, ms).unref());
  }

  /** Whether a line may be written now (if not, it is counted for its window's summary). */
  admit(level: LogLevel, msg: string): boolean {
    const now = this.now();
    const key = `${level} ${msg}`;
    let w = this.windows.get(key);
    if (w && now - w.start >= this.windowMs) {
      this.close(key, w);
      w = undefined;
    }
    if (!w) {
      if (this.windows.size >= MAX_WINDOWS) this.sweep(now);
      w = { start: now, level, msg, written: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    if (w.written < this.max) {
      w.written++;
      return true;
    }
    if (w.suppressed++ === 0) {
      const open = w;
      this.schedule(() => {
        if (this.windows.get(key) === open) this.close(key, open);
      }, w.start + this.windowMs - now);
    }
    return false;
  }

  private close(key: string, w: Window): void {
    this.windows.delete(key);
    if (w.suppressed > 0) this.report({ level: w.level, msg: w.msg, suppressed: w.suppressed, windowMs: this.windowMs });
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.close(key, w);
  }
}

/** Where log lines go: stderr, or any stream (a test's). */
export interface LogStream {
  write(line: string): unknown;
}

/**
 * A logger that writes lines at `min` and above to `out` (stderr by default), each tagged with `base` fields,
 * repeats limited as `limit` says.
 */
export function createLogger(min: LogLevel, base: Record<string, unknown> = {}, out: LogStream = process.stderr, limit: RepeatLimitOptions = {}): Logger {
  const p = pino(
    {
      level: min,
      base,
      messageKey: 'msg',
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    out,
  );
  const limiter = new RepeatLimiter(
    (s) => p[s.level]({ repeated: s.msg, suppressed: s.suppressed, windowMs: s.windowMs }, 'repeated log lines suppressed'),
    limit,
  );
  return (level, msg, fields) => {
    if (RANK[level] < RANK[min] || !limiter.admit(level, msg)) return;
    p[level](fields ?? {}, msg);
  };
}
