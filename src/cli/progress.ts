/** A one-line progress bar on stderr for long runs; silent unless stderr is a terminal. */
export class Progress {
  private lastDrawMs = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  /** Shows `done` of `total` (any unit), at most ten times a second. */
  update(done: number, total: number, detail = ''): void {
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.lastDrawMs < 100) return;
    this.lastDrawMs = now;
    const width = 30;
    const share = Math.max(0, Math.min(1, done / total));
    const filled = Math.round(share * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    process.stderr.write(`\r${this.label} [${bar}] ${Math.round(share * 100)}% ${detail}\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}
