/** Where progress goes: a stream with `write` and, for a terminal, `isTTY`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface JobProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /** Without a terminal: at most one line per this many ms, besides the last one (default 1000). */
  lineEveryMs?: number;
  /** On a terminal: redraw at least this often while no job finishes, ms (default 1000; 0 for never). */
  tickMs?: number;
}

/**
 * Progress of a batch of jobs. On a terminal it keeps one line up to date:
 * `label [#####-----] 12/80 elapsed 1m05s ETA 3m10s  scx=200 seed=7`.
 * Otherwise it prints plain lines such as `[12/80] fig10 scx=200 seed=7 done (3.1 s)`, at most one per second,
 * and always the one for the last job.
 */
export class JobProgress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly lineEveryMs: number;
  private readonly tty: boolean;
  private readonly startedMs: number;
  private lastWriteMs = -Infinity;
  private done = 0;
  private last = '';
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly label: string,
    private total: number,
    options: JobProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.lineEveryMs = options.lineEveryMs ?? 1000;
    this.tty = this.stream.isTTY === true;
    this.startedMs = this.now();
    const tickMs = options.tickMs ?? 1000;
    if (this.tty && tickMs > 0) {
      this.ticker = setInterval(() => this.draw(), tickMs);
      this.ticker.unref();
    }
  }

  /** Records that `done` of `total` jobs are finished, the last being `description`, which took `jobMs`. */
  jobDone(done: number, total: number, description: string, jobMs?: number): void {
    this.done = done;
    this.total = total;
    this.last = description;
    const final = done >= total;
    const now = this.now();
    if (!final && now - this.lastWriteMs < (this.tty ? 100 : this.lineEveryMs)) return;
    this.lastWriteMs = now;
    if (this.tty) {
      this.draw();
      return;
    }
    const took = jobMs === undefined ? '' : ` (${(jobMs / 1000).toFixed(1)} s)`;
    const what = [this.label, description].filter((s) => s !== '').join(' ');
    this.stream.write(`[${done}/${total}] ${what} done${took}\n`);
  }

  /** Stops redrawing and clears the terminal line (prints nothing more without a terminal). */
  finish(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.tty) this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    if (!this.tty) return;
    const elapsedMs = this.now() - this.startedMs;
    const share = this.total > 0 ? Math.max(0, Math.min(1, this.done / this.total)) : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const eta = this.done > 0 ? duration((elapsedMs / this.done) * (this.total - this.done)) : '--';
    const label = this.label === '' ? '' : `${this.label} `;
    const last = this.last === '' ? '' : `  ${this.last}`;
    this.stream.write(`\r${label}[${bar}] ${this.done}/${this.total} elapsed ${duration(elapsedMs)} ETA ${eta}${last}\x1b[K`);
  }
}

/** `42s`, `3m05s`, `2h07m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
