/** The foreground loop of a demo command: a status line (rewritten in place on a terminal, every 10 s otherwise) until Ctrl-C or `--duration`, then a clean stop. */

/**
 * Shows `status()` once a second on a terminal (every 10 s otherwise) until `stopped` settles or `durationS` (s)
 * passes, prints it a last time, then runs `stop` and says so.
 */
export async function statusUntilStopped(stopped: Promise<unknown>, durationS: number | undefined, status: () => string, stop: () => Promise<void>, out: (line: string) => void): Promise<void> {
  const tty = process.stdout.isTTY === true;
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    if (tty) process.stdout.write(`\r\x1b[K${status()}`);
    else if (ticks % 10 === 0) out(status());
  }, 1000);
  let limit: NodeJS.Timeout | undefined;
  await Promise.race([stopped, new Promise<void>((resolve) => durationS !== undefined && (limit = setTimeout(resolve, durationS * 1000)))]);
  clearTimeout(limit);
  clearInterval(timer);
  if (tty) process.stdout.write('\r\x1b[K');
  out(status());
  out('stopping: every node leaves the overlay and closes its sockets…');
  await stop();
  out('stopped; nothing is left running.');
}
