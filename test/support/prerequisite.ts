/**
 * Suites that need something of the machine: root, commands, network namespaces, a browser. Node 20 does not count
 * a skipped `describe` in its summary, so a suite skipped silently looks like a suite that passed. Here:
 * - everything there: the suite runs;
 * - under CI (CI=true): a missing prerequisite is a failing test named after the suite (CI installs everything);
 * - elsewhere: one line on stderr and one skipped test named after the suite, with the reason as its diagnostic,
 *   so that the summary's "skipped" counts it.
 *
 *   needs({ netns: true }).describe('a session across network namespaces', { timeout: 90_000 }, () => { ... });
 */

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { delimiter, join } from 'node:path';
import { describe, test, type TestOptions } from 'node:test';

/** Where the browser tests find Chromium (Debian's package; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium's flags in the browser tests: headless, nothing fetched from elsewhere. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What a suite needs. */
export interface Prerequisites {
  /** Runs as root. */
  readonly root?: boolean;
  /** Commands found on PATH. */
  readonly commands?: readonly string[];
  /** Network namespaces can be made and removed (root, ip, iptables, and a probe namespace that works). */
  readonly netns?: boolean;
  /** Chromium at CHROMIUM. */
  readonly chromium?: boolean;
  /** Why something else the suite needs is missing, as the suite found out itself (undefined: it is there). */
  readonly unavailable?: string | undefined;
}

/** Whether this run is CI's: there, a missing prerequisite fails instead of skipping. */
export function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

/** Why network namespaces cannot be used here (given root, ip and iptables), or undefined when they can. */
function netnsProbe(): string | undefined {
  const probe = `scprobe${randomBytes(2).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
    execFileSync('iptables', ['--version'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `ip netns or iptables unusable: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** What is missing, one phrase each; empty when everything is there. */
export function missing(what: Prerequisites): string[] {
  const out: string[] = [];
  const isRoot = process.getuid?.() === 0;
  if ((what.root || what.netns) && !isRoot) out.push('needs root');
  const commands = [...(what.commands ?? []), ...(what.netns ? ['ip', 'iptables'] : [])];
  const absent = [...new Set(commands)].filter((c) => !onPath(c));
  if (absent.length > 0) out.push(`needs ${absent.join(', ')} on PATH`);
  if (what.netns && isRoot && absent.length === 0) {
    const why = netnsProbe();
    if (why) out.push(why);
  }
  if (what.chromium && !executable(CHROMIUM)) out.push(`needs ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
  if (what.unavailable !== undefined) out.push(what.unavailable);
  return out;
}

/** A suite that runs only where its prerequisites are. */
export interface Needed {
  /** Why the suite cannot run here, or undefined when it can. */
  readonly reason: string | undefined;
  /** `describe(name, options, fn)` when everything is there; otherwise a failing (CI) or skipped test named `name`. */
  describe(name: string, options: TestOptions, fn: () => void): void;
}

/** Checks `what` now (once per suite); see the module's comment for what happens when something is missing. */
export function needs(what: Prerequisites): Needed {
  const gaps = missing(what);
  const reason = gaps.length === 0 ? undefined : gaps.join('; ');
  return {
    reason,
    describe(name, options, fn) {
      if (reason === undefined) {
        describe(name, options, fn);
      } else if (underCi()) {
        test(name, () => {
          throw new Error(`prerequisite missing under CI: ${reason} (CI installs it: see .ci/run)`);
        });
      } else {
        process.stderr.write(`skipped suite "${name}": ${reason}\n`);
        test(name, (t) => {
          t.diagnostic(`skipped: ${reason}`);
          t.skip(reason);
        });
      }
    },
  };
}
