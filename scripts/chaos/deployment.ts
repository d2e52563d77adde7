/**
 * The bench's deployment: `n` hosts in network namespaces on one bridge (test/support/netns.ts), one real
 * `scattercast node` process per host (`node bin/scattercast.js node --config FILE`, the TypeScript sources through
 * tsx, as the tests run them), one session: host 0 runs the test source on channel 1 (TCP forward), hosts 1 and 2
 * are the session's two rendezvous, channel 2 (reliable, no source) is there for the NACK attacks. Every node
 * records what it delivers. Everything is removed by the names it was made with: by `destroy`, on an error, and on
 * SIGINT/SIGTERM.
 */

import { execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { overlayToken, tokenHeaders } from '../../test/support/cluster-token.ts';
import { createLan, type Lan } from '../../test/support/netns.ts';
import { Firewall } from './firewall.ts';
import { RecordTail } from './records.ts';

/** The cluster token `/state` asks for: the nodes derive it from the overlay they share with this process (read at the first ask). */
let clusterToken: string | undefined;

/** The port every node listens on (TCP and UDP), and its admin port. */
export const PORT = 7400;
export const ADMIN_PORT = 8400;
/** Packets per second of the test source: light enough for 20 nodes on 2 cores, dense enough to see 250-ms silences. */
export const RATE = 50;
/** The channel the source sends on, and the reliable channel the NACK attacks aim at. */
export const DATA_CHANNEL = 1;
export const RELIABLE_CHANNEL = 2;
/** Hosts of the source and of the two rendezvous. */
export const SOURCE = 0;
export const RENDEZVOUS = [1, 2] as const;
export const SESSION_NAME = 'scast://chaos.scattercast/bench';
/** This checkout: its bin/scattercast.js runs the nodes unless the bench is told another tree. */
export const REPO = resolve(import.meta.dirname, '../..');

/** One session of a node's /state, the fields the bench reads. */
export interface SessionState {
  readonly id: string;
  readonly neighbours: readonly string[];
  readonly generator: string | null;
  readonly upstreamChanges: number;
  readonly routes: ReadonlyArray<{ source: string; upstream: string | null; downstream: readonly string[] }>;
}

export class Deployment {
  /** Deployments not yet destroyed: what a signal handler must clean up. */
  static readonly open = new Set<Deployment>();
  readonly dir: string;
  readonly firewall: Firewall;
  readonly records: RecordTail[];
  private readonly procs: Array<ChildProcess | undefined> = [];
  private readonly log: WriteStream;
  private destroyed = false;

  private constructor(
    readonly lan: Lan,
    readonly n: number,
    private readonly seed: number,
    private readonly keep: boolean,
    /** The tree whose bin/scattercast.js runs the nodes. */
    readonly code: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'sc-chaos-'));
    this.firewall = new Firewall(lan.namespaces, Array.from({ length: n }, (_, i) => lan.ip(i)));
    this.records = Array.from({ length: n }, (_, i) => new RecordTail(join(this.dir, `rx${i}.jsonl`), DATA_CHANNEL, RATE));
    this.log = createWriteStream(join(this.dir, 'nodes.log'));
    Deployment.open.add(this);
  }

  /** Makes the hosts and the firewall chains (nodes not started yet). */
  static async create(n: number, seed: number, keep: boolean, code = REPO): Promise<Deployment> {
    const lan = createLan(n);
    const d = new Deployment(lan, n, seed, keep, code);
    try {
      await d.firewall.install();
      d.writeConfigs();
    } catch (err) {
      d.destroy();
      throw err;
    }
    return d;
  }

  addr(i: number): string {
    return `${this.lan.ip(i)}:${PORT}`;
  }

  /** Host index of an SCX address (undefined: no host of this deployment). */
  indexOf(address: string | null | undefined): number | undefined {
    if (address === null || address === undefined) return undefined;
    for (let i = 0; i < this.n; i++) if (this.addr(i) === address) return i;
    return undefined;
  }

  configPath(i: number): string {
    return join(this.dir, `node${i}.json`);
  }

  private writeConfigs(): void {
    const xml = join(this.dir, 'session.xml');
    writeFileSync(
      xml,
      [
        `<SCATTERCAST name="${SESSION_NAME}">`,
        `  <CHANNEL id="${DATA_CHANNEL}"><TRANSPORT unicast="tcp"/></CHANNEL>`,
        `  <CHANNEL id="${RELIABLE_CHANNEL}"><TRANSPORT unicast="reliable"/></CHANNEL>`,
        ...RENDEZVOUS.map((r) => `  <RENDEZVOUS>${this.addr(r)}</RENDEZVOUS>`),
        '</SCATTERCAST>',
        '',
      ].join('\n'),
    );
    for (let i = 0; i < this.n; i++) {
      const config = {
        listen: this.addr(i),
        admin: `${this.lan.ip(i)}:${ADMIN_PORT}`,
        allowPrivateUrls: true,
        seed: this.seed * 1000 + i + 1,
        logLevel: process.env.SC_LOG_LEVEL ?? 'warn',
        sessions: [{ announcement: xml, record: this.records[i]?.path, ...(i === SOURCE && { source: { channel: DATA_CHANNEL, packetsPerSecond: RATE } }) }],
      };
      writeFileSync(this.configPath(i), `${JSON.stringify(config, null, 2)}\n`);
    }
  }

  /** Starts node i (again, after a kill: its record file grows on). */
  start(i: number): void {
    this.procs[i] = this.lan.spawn(i, ['node', join(this.code, 'bin/scattercast.js'), 'node', '--config', this.configPath(i)], this.log);
  }

  /** Whether node i's process runs. */
  alive(i: number): boolean {
    const p = this.procs[i];
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }

  /** How node i's process ended (undefined: it runs, or never ran). */
  exit(i: number): string | undefined {
    const p = this.procs[i];
    if (p === undefined || this.alive(i)) return undefined;
    return p.signalCode ?? `exit ${p.exitCode}`;
  }

  live(): number[] {
    return Array.from({ length: this.n }, (_, i) => i).filter((i) => this.alive(i));
  }

  /** kill -9 of node i. */
  kill(i: number): void {
    this.procs[i]?.kill('SIGKILL');
  }

  /** Node i's /state, the bench's session only (undefined: no answer within 2 s). */
  async state(i: number): Promise<SessionState | undefined> {
    try {
      const headers = tokenHeaders((clusterToken ??= overlayToken()));
      const res = await fetch(`http://${this.lan.ip(i)}:${ADMIN_PORT}/state`, { headers, signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { sessions?: SessionState[] };
      return body.sessions?.find((s) => s !== undefined);
    } catch {
      return undefined;
    }
  }

  /** The sum of /metrics series named `name` (undefined: no answer within 2 s). */
  async metric(i: number, name: string): Promise<number | undefined> {
    try {
      const text = await (await fetch(`http://${this.lan.ip(i)}:${ADMIN_PORT}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('#')) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
        if (m?.[1] === name) sum += Number(m[3]);
      }
      return sum;
    } catch {
      return undefined;
    }
  }

  /** Reads every record file's new lines. */
  pollRecords(): void {
    for (const r of this.records) r.poll();
  }

  /** Every live node but the source delivered a packet in the last `ms`. */
  flowing(nodes: readonly number[] = this.live(), ms = 1000): boolean {
    this.pollRecords();
    const now = Date.now();
    return nodes.filter((i) => i !== SOURCE).every((i) => now - (this.records[i]?.lastMs() ?? 0) <= ms);
  }

  /** Kills every node and removes the namespaces and the bridge (and the files, unless kept). Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    Deployment.open.delete(this);
    this.lan.destroy();
    // The kernel frees a deleted namespace (and so the veth pairs into it) only once its last socket is gone, which
    // after thousands of attack connections can be never in practice: the bridge-side ends go by their names.
    for (let i = 0; i < this.n; i++) {
      try {
        execFileSync('ip', ['link', 'del', `sc${this.lan.tag}h${i}`], { stdio: 'ignore' });
      } catch {
        // already gone with its namespace
      }
    }
    this.log.end();
    if (this.keep) process.stderr.write(`bench:chaos files kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
