import { Command, CommanderError } from 'commander';
import { ErrorCode, ScError } from '../core/errors.ts';
import { addCreator } from './creator.ts';
import { addDemo } from './demo.ts';
import { addJoin } from './join.ts';
import { addNode } from './node.ts';
import { addSend } from './send.ts';
import { addRadio } from './radio.ts';
import { addTrust } from './trust.ts';
import { addWhiteboard } from './whiteboard.ts';
import { addSimFigures } from './sim-figures.ts';
import { addSimRun } from './sim-run.ts';
import { holdSignals, type EarlySignals } from './signals.ts';

/** Exit status of a usage error (bad flag, bad value, bad input file). */
const EXIT_USAGE = 2;

/** Error codes that mean the user's input was bad, not that the program failed. */
const INPUT_ERRORS: ReadonlySet<string> = new Set([
  ErrorCode.USAGE,
  ErrorCode.CONFIG_INVALID,
  ErrorCode.CONFIG_UNKNOWN_KEY,
  ErrorCode.CONFIG_TYPE,
  ErrorCode.TOPOLOGY_READ,
  ErrorCode.TOPOLOGY_INVALID,
  ErrorCode.MODULE_INVALID,
  ErrorCode.TRANSPORT_UNSUPPORTED,
  ErrorCode.FILE_TOO_LARGE,
  ErrorCode.LISTEN_FAILED,
  ErrorCode.URL_INVALID,
  ErrorCode.URL_FORBIDDEN,
  ErrorCode.REQUEST_INVALID,
  ErrorCode.SESSION_MISMATCH,
  ErrorCode.ANNOUNCEMENT_INVALID,
  ErrorCode.ANNOUNCEMENT_TOO_LARGE,
  ErrorCode.SESSION_NAME_INVALID,
  ErrorCode.ANNOUNCEMENT_SIGNATURE,
  ErrorCode.TRUST_INVALID,
  ErrorCode.TRUST_NO_CREDENTIAL,
  ErrorCode.SOURCE_NO_CREDENTIAL,
  ErrorCode.SOURCE_CREDENTIAL_INVALID,
  ErrorCode.SOURCE_TOKEN_SESSION,
  ErrorCode.SOURCE_TOKEN_EXPIRED,
  ErrorCode.SOURCE_UNSIGNED_SESSION,
  ErrorCode.WB_DECK_READ,
  ErrorCode.WB_DECK_SYNTAX,
  ErrorCode.WB_DECK_INVALID,
  ErrorCode.WB_DECK_FULL,
]);

/**
 * Runs the `scattercast` command with `argv` (without node and script); resolves to the exit status. `early`: the
 * SIGINT/SIGTERM an entry point caught before it could load this (see signals.ts).
 */
export async function main(argv: readonly string[], early?: EarlySignals): Promise<number> {
  holdSignals(early);
  // A reader that went away (`scattercast ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const program = new Command('scattercast')
    .description('Scattercast: an application-layer broadcast overlay (Gossamer mesh, path-vector routing, source trees)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const sim = program.command('sim').description('simulate Gossamer over Internet topologies').exitOverride();
  addSimRun(sim, out);
  addSimFigures(sim, out);
  for (const c of sim.commands) c.exitOverride();
  addDemo(program, out);
  addRadio(program, out);
  addWhiteboard(program, out);
  addNode(program, out);
  addJoin(program);
  addSend(program);
  addCreator(program, out);
  addTrust(program, out);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof ScError) {
      process.stderr.write(`scattercast: ${err.message} (${err.code})\n`);
      return INPUT_ERRORS.has(err.code) ? EXIT_USAGE : 1;
    }
    // Anything else is our bug or the machine's limit: one line for the user, the stack only on request.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`scattercast: ${message}${process.env.SCATTERCAST_DEBUG ? `\n${(err as Error).stack ?? ''}` : ' (set SCATTERCAST_DEBUG=1 for the stack)'}\n`);
    return 1;
  }
}
