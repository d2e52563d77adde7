import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The command line of `npm run bench:chaos`: its options, its help, and one-line errors. */

/** Phases, in the order a full run takes them (those that kill nodes last, so that the others start with all). */
export const PHASES = ['rest', 'flap', 'gray', 'attacks', 'forgeries', 'generator', 'kill'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface Options {
  readonly seed: number;
  readonly nodes: number;
  readonly only: readonly PhaseName[];
  readonly json: string | undefined;
  readonly keep: boolean;
  /** The source tree whose `bin/scattercast.js` the nodes run (undefined: this checkout). */
  readonly code: string | undefined;
}

export const HELP = `npm run bench:chaos [-- options]

Chaos and attack bench (issue 11): real \`scattercast node\` processes, one per network namespace on one bridge,
one session (a test source at 50 packets/s on host 0, rendezvous on hosts 1 and 2), every node recording what it
delivers. Each phase prints one line per goal with its figure and PASS/FAIL; a table follows; the exit status is 1
when a goal is missed. Needs root, ip (netns) and iptables with the string and connmark matches. About 10 minutes
on 2 cores for all phases.

Phases (in this order):
  rest       upstream changes per node per minute at rest, over 60 s (goal: <= 1)
  flap       a partition into random halves that flaps every 5 s for 60 s, then heals: one mesh, no duplicate
             delivery, control messages/s back within 1.5x the rate before the phase
  gray       the data connections (not control, not probes) of the interior SCX with the most receivers below it
             dropped for 60 s: receivers below silent <= 3 s, data again <= 3 s after the rule is removed
  attacks    against the same kind of interior node while data flows: random frames, connections holding partial
             frames, DISCOVERY naming thousands of invented members, NACK floods: 0 crashes, RSS growth within
             the bound of its limits, share of packets delivered to the other receivers during each (goal: >= 95%),
             forged data packets delivered at the receivers (goal: 0)
  forgeries  against the same kind of interior node, from an outsider (plaintext, or a stranger overlay's
             certificate) and a malicious member (a valid credential of the nodes' overlay): forged LEAVE, forged
             source advert, forged heartbeat, injected data, hello claiming another node, outsider as source,
             outsider on the cluster-internal API, NACK reflection. One line each: tried, accepted (goal 0, from
             the effect, cross-checked with the refusal counters), amplification (bytes sent to the attacker over
             bytes it sent, by iptables; goal <= 1x; for the NACKs reported only) and bytes to the victim address
             the messages name (goal 0). About 1 minute
  generator  the elected heartbeat generator killed as the mesh is cut into halves, healed after 30 s: one mesh,
             one generator and data on both sides within 2 heartbeat intervals + 2 s
  kill       kill -9 of 30% of the nodes at once (never the source): every survivor receiving again within 3 s,
             p50/p99 repair time

Options:
  --seed N          seed of every random choice (victims, halves, attack input); printed (default 1)
  --only P[,P...]   run only these phases (names above)
  --nodes N         hosts, 6..40 (default 20)
  --json FILE       write the figures as JSON
  --code DIR        run the nodes from another checkout's bin/scattercast.js (e.g. \`git archive\` of a
                    revision, with node_modules), to measure a given revision (default: this checkout)
  --keep            keep the node logs, configs and records (their folder is printed)
  -h, --help        this text

Exit status: 0 every goal met, 1 a goal missed, 2 bad arguments, 3 a prerequisite missing or the set-up failed.
`;

/** A command-line mistake: one line for stderr, exit status 2. */
export class UsageError extends Error {}

function integer(flag: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined) throw new UsageError(`${flag} needs a value`);
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

/** Parses argv (after the script's name); 'help' when help was asked for. */
export function parseOptions(argv: readonly string[]): Options | 'help' {
  let seed = 1;
  let nodes = 20;
  let only: PhaseName[] = [...PHASES];
  let json: string | undefined;
  let keep = false;
  let code: string | undefined;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++k];
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--seed':
        seed = integer('--seed', value(), 0, 2 ** 32 - 1);
        break;
      case '--nodes':
        nodes = integer('--nodes', value(), 6, 40);
        break;
      case '--only': {
        const raw = value();
        if (raw === undefined || raw.trim() === '') throw new UsageError('--only needs phase names, e.g. --only kill,gray');
        const names = raw.split(',').map((s) => s.trim());
        const bad = names.filter((s) => !(PHASES as readonly string[]).includes(s));
        if (bad.length > 0) throw new UsageError(`--only: unknown phase ${bad.join(', ')} (phases: ${PHASES.join(', ')})`);
        only = PHASES.filter((p) => names.includes(p));
        break;
      }
      case '--json': {
        const raw = value();
        if (raw === undefined || raw === '') throw new UsageError('--json needs a file name');
        json = raw;
        break;
      }
      case '--code': {
        const raw = value();
        if (raw === undefined || raw === '') throw new UsageError('--code needs a folder');
        if (!existsSync(join(raw, 'bin', 'scattercast.js'))) throw new UsageError(`--code ${raw}: no bin/scattercast.js there`);
        code = resolve(raw);
        break;
      }
      case '--keep':
        keep = true;
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
    }
  }
  return { seed, nodes, only, json, keep, code };
}
