/**
 * Bulk file distribution across network namespaces (the netns test and `bench:transport --only bulk`): one
 * `scattercast node` per namespace, each its own cluster with its own frontend, one signed session whose channel 1 is
 * `bulk`; each host's downlink shaped with `tc tbf` (netem is missing in this kernel) and loss made with iptables'
 * `statistic --mode random`. Senders and receivers are real `scattercast send --file` / `join --out DIR` processes.
 */

import { execFileSync, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askFrontend } from '../../src/client/frontend-client.ts';
import type { JoinAnswer } from '../../src/api/join-answer.ts';
import { testCreator, type TestCreator } from './creator.ts';
import { createLan, type Lan } from './netns.ts';

/** A namespace's node's ports. */
const NODE_PORT = 7400;
const FRONTEND_PORT = 8500;
/** Where each node serves /metrics (its module counters and drops). */
export const ADMIN_PORT = 8400;

/** A CLI process in a namespace, and how it ended. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Resolves with the exit status and everything it wrote to stderr. */
  readonly exit: Promise<{ readonly status: number | null; readonly stderr: string }>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** The deployment. */
export interface BulkLan {
  readonly lan: Lan;
  readonly dir: string;
  readonly creator: TestCreator;
  readonly session: string;
  readonly xml: string;
  frontend(i: number): string;
  /** The bulk module's counters and the channel's drops at node i (its /metrics), for a post-mortem. */
  counters(i: number): Promise<string>;
  /** The answer node i's frontend gives (from this process, over the bridge). */
  answer(i: number): Promise<JoinAnswer>;
  /** Shapes what arrives at host i (its access link's downlink) with tbf at `mbit` Mbit/s; its uplink stays unshaped. */
  shape(i: number, mbit: number): void;
  /** Drops each packet arriving at host i with probability `p`. */
  loss(i: number, p: number): void;
  /** A file of `bytes` seeded random bytes in the deployment's folder. */
  file(bytes: number, seed: number): string;
  /** `scattercast send --file` from host i. */
  send(i: number, path: string, lingerS: number): CliRun;
  /** `scattercast join --out DIR` at host i. */
  join(i: number, out: string): CliRun;
  destroy(keep: boolean): void;
}

/** Starts `n` nodes in namespaces; resolves once every frontend answers. */
export async function bulkLan(n: number, options: { readonly insecure?: boolean } = {}): Promise<BulkLan> {
  const lan = createLan(n);
  const dir = mkdtempSync(join(tmpdir(), 'sc-bulk-netns-'));
  const log: WriteStream = createWriteStream(join(dir, 'nodes.log'));
  const creator = testCreator();
  const session = creator.name('bulk');
  const ip = (i: number): string => lan.ip(i);
  const xml = join(dir, 'session.xml');
  writeFileSync(xml, creator.sign(`<SCATTERCAST name="${session}"><CHANNEL id="1"><TRANSPORT unicast="bulk"/></CHANNEL><RENDEZVOUS>${ip(0)}:${NODE_PORT}</RENDEZVOUS></SCATTERCAST>`));
  const keyFile = join(dir, 'creator.key');
  writeFileSync(keyFile, creator.key.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  const frontend = (i: number): string => `${ip(i)}:${FRONTEND_PORT}`;
  const cli = (i: number, args: readonly string[]): CliRun => {
    const child = lan.spawn(i, ['node', 'bin/scattercast.js', ...args], undefined);
    let stderr = '';
    child.stderr?.removeAllListeners('data');
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const exit = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
    return { child, exit, stderr: () => stderr };
  };
  for (let i = 0; i < n; i++) {
    const args = ['node', 'bin/scattercast.js', 'node', '--listen', `${ip(i)}:${NODE_PORT}`, '--frontend', frontend(i), '--admin', `${ip(i)}:${ADMIN_PORT}`, '--announcement', xml];
    lan.spawn(i, [...args, '--seed', String(i + 1), '--log-level', process.env.SC_LOG_LEVEL ?? 'warn', ...(options.insecure ? ['--insecure'] : [])], log);
  }
  const text = readFileSync(xml, 'utf8');
  const answer = (i: number): Promise<JoinAnswer> => askFrontend(frontend(i), session, { announcement: text });
  const destroy = (keep: boolean): void => {
    lan.destroy();
    log.end();
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`bulk netns files kept in ${dir}\n`);
  };
  try {
    for (let i = 0; i < n; i++) await untilAnswered(() => answer(i));
  } catch (err) {
    destroy(false);
    throw err;
  }
  // A burst of 10 ms at the rate: tbf refills once a kernel tick (up to 4 ms), and a smaller burst caps the rate below it.
  const tbf = (mbit: number): string[] => ['root', 'tbf', 'rate', `${mbit}mbit`, 'burst', `${Math.max(32, Math.ceil((mbit * 1000) / 8 / 100))}kb`, 'latency', '25ms'];
  return {
    lan,
    dir,
    creator,
    session,
    xml,
    frontend,
    answer,
    async counters(i) {
      const text = await (await fetch(`http://${ip(i)}:${ADMIN_PORT}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
      return text
        .split('\n')
        .filter((l) => /^scattercast_(module_events|channel_drops)_total/.test(l) && !l.endsWith(' 0'))
        .map((l) => l.replace(/^.*(counter|reason)="([^"]+)".*\} /, '$2='))
        .join(' ');
    },
    shape(i, mbit) {
      // The host side of the veth pair: its egress is what goes into the namespace.
      runRoot(['tc', 'qdisc', 'replace', 'dev', `sc${lan.tag}h${i}`, ...tbf(mbit)]);
    },
    loss(i, p) {
      lan.exec(i, ['iptables', '-A', 'INPUT', '-i', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', String(p), '-j', 'DROP']);
    },
    file(bytes, seed) {
      // AES-CTR of zeros under a key made from the seed: seeded bytes at GB/s.
      const key = createHash('sha256').update(`bulk ${seed}`).digest().subarray(0, 16);
      const data = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(bytes));
      const path = join(dir, 'payload.bin');
      writeFileSync(path, data);
      return path;
    },
    send: (i, path, lingerS) =>
      cli(i, ['send', frontend(i), session, '--channel', '1', '--announcement', xml, '--file', path, '--key', keyFile, '--token', creator.token(session), '--linger', String(lingerS)]),
    join: (i, out) => cli(i, ['join', frontend(i), session, '--channel', '1', '--announcement', xml, '--out', out]),
    destroy,
  };
}

/** Asks until a frontend answers (its node is starting), for at most 20 s. */
async function untilAnswered(ask: () => Promise<unknown>): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await ask();
      return;
    } catch (err) {
      if (tries >= 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Runs a command in the root namespace; throws on failure. */
function runRoot(args: readonly string[]): void {
  execFileSync(args[0] as string, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}
