/**
 * SIGINT and SIGTERM for the whole `scattercast` process, installed before anything else runs: a supervisor's
 * SIGTERM (or a Ctrl-C) that comes while the program loads or a command starts is held, never fatal. Each
 * command then says what a signal means to it:
 * - a command that runs until stopped (`node`, `demo`, `join`, `send`) calls `untilStopped()` first thing: it
 *   stops cleanly when a signal comes, and at once after its start-up when one came during it;
 * - a batch command (`sim run`, `sim figures`) calls `dieOnSignal()`: the signals get their default action back
 *   (the process dies by the signal, its worker threads with it, having written nothing), and one held since the
 *   start is delivered now.
 * A second signal kills the process (the default action), whatever the command: Ctrl-C twice always works.
 *
 * This module imports nothing, so that an entry point can load it and call `holdSignals()` before it loads the
 * rest of the program.
 */

/** The signals that stop a command. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** Signals an entry point caught before it could load this module, and how to remove its own handler. */
export interface EarlySignals {
  readonly held: readonly string[];
  release(): void;
}

let installed = false;
let received: StopSignal | undefined;
let mode: 'hold' | 'stop' | 'default' = 'hold';
const waiters: Array<(signal: StopSignal) => void> = [];

function onSignal(signal: StopSignal): void {
  if (received !== undefined) {
    // The second one: stop waiting for a clean stop.
    restoreDefault();
    process.kill(process.pid, signal);
    return;
  }
  received = signal;
  if (mode === 'stop') for (const w of waiters.splice(0)) w(signal);
}

function restoreDefault(): void {
  mode = 'default';
  for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Installs the handlers (once; later calls do nothing). A signal from now on is held until the command says what
 * it means. `early` are the signals an entry point caught before it could load this module: they count as received,
 * and its handler is removed once ours are in place.
 */
export function holdSignals(early?: EarlySignals): void {
  if (!installed) {
    installed = true;
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  if (early) {
    early.release();
    for (const s of early.held) if (s === 'SIGINT' || s === 'SIGTERM') onSignal(s);
  }
}

/**
 * For a command that runs until stopped: resolves with the first SIGINT or SIGTERM, at once if one came while the
 * program was starting. Call it before the command's first await.
 */
export function untilStopped(): Promise<StopSignal> {
  holdSignals();
  if (mode === 'default') return new Promise<StopSignal>(() => undefined);
  mode = 'stop';
  if (received !== undefined) return Promise.resolve(received);
  return new Promise<StopSignal>((resolve) => waiters.push(resolve));
}

/** The signal that asked this process to stop, if one came. */
export function stopRequested(): StopSignal | undefined {
  return received;
}

/** For a batch command: SIGINT and SIGTERM kill the process as usual; one held since the start does it now. */
export function dieOnSignal(): void {
  if (mode === 'default') return;
  restoreDefault();
  if (received !== undefined) process.kill(process.pid, received);
}
