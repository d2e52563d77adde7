/** Progress lines of the radio bench, on stderr with the seconds since it started. */

/** Writes one progress line to stderr. */
export function progress(msg: string): void {
  const t = (performance.now() / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench-radio ${t}s] ${msg}\n`);
}
