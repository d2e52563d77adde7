/**
 * Test hosts in network namespaces: one namespace per node, each with a veth pair onto one bridge, addresses
 * 10.<net>.0.<i+1>/24. Everything is named with a random tag the test made, and removed by those names.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { encodeHello } from '../../src/net/hello.ts';
import { ALPN } from '../../src/net/peer-trust.ts';

/** A LAN of namespaces on one bridge. */
export interface Lan {
  readonly tag: string;
  /** The bridge's interface name. */
  readonly bridge: string;
  readonly namespaces: readonly string[];
  /** Address of host i. */
  ip(i: number): string;
  /** The test process's own address on the bridge (it reaches every host from here). */
  readonly hostIp: string;
  /** Runs a command inside host i; throws on failure. */
  exec(i: number, cmd: readonly string[]): string;
  /** Starts a long-running command inside host i. */
  spawn(i: number, cmd: readonly string[], log: NodeJS.WritableStream | undefined): ChildProcess;
  /** Drops every packet between the hosts of `a` and those of `b`, both ways (iptables in each namespace). */
  partition(a: readonly number[], b: readonly number[]): void;
  /** Removes every partition rule. */
  heal(): void;
  /**
   * A gray failure of host i: drops every packet of its TCP data connections, both ways, while its control
   * connections and probes flow. Every host marks each connection whose first frame is a data hello from the start
   * (a connection open before a cut is marked too); a cut drops the marked packets.
   */
  cutData(i: number): void;
  /** Ends host i's gray failure. */
  restoreData(i: number): void;
  /** Kills what it started and removes the namespaces and the bridge. */
  destroy(): void;
}

function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A subnet 10.<net>.0.0/24 (net 100..199) that no interface of this machine uses yet, starting from `seed`: two test
 * runs side by side (two clones of the suite) must not put the same subnet on two bridges of the root namespace.
 */
function freeNet(seed: number): number {
  const used = run('ip', ['-4', '-o', 'addr', 'show']);
  for (let k = 0; k < 100; k++) {
    const net = 100 + ((seed + k) % 100);
    if (!used.includes(` 10.${net}.0.`)) return net;
  }
  throw new Error('no free 10.1xx.0.0/24 subnet left for a test LAN');
}

/** The connection mark of data connections. */
export const DATA_MARK = '0x5c';

/** The first five bytes of every data hello (`'S' 'C' 'X'`, version, kind data), as iptables' `--hex-string` takes them. */
export function dataHelloPattern(): string {
  const head = encodeHello({ kind: 'data', from: 'x:1', sessionId: new Uint8Array(16), channel: 1 }).subarray(0, 5);
  return `|${Buffer.from(head).toString('hex')}|`;
}

/** The ALPN name a data connection's TLS ClientHello carries in plaintext (src/net/peer-trust.ts), as `--hex-string` takes it. */
export function dataAlpnPattern(): string {
  return `|${Buffer.from(ALPN.data).toString('hex')}|`;
}

/**
 * The iptables matches and target that mark a TCP connection whose first bytes say it is a data connection: a data
 * hello in plaintext (an insecure node), or a TLS ClientHello naming the data ALPN (a secure one).
 */
function dataMarkRules(): string[][] {
  const mark = (pattern: string, to: number): string[] => ['-p', 'tcp', '-m', 'connmark', '--mark', '0', '-m', 'string', '--algo', 'bm', '--to', String(to), '--hex-string', pattern, '-j', 'CONNMARK', '--set-mark', DATA_MARK];
  return [mark(dataHelloPattern(), 200), mark(dataAlpnPattern(), 1500)];
}

/** The iptables rules of a gray failure, to add (`-A`) or delete (`-D`). */
const dataCutRules: ReadonlyArray<(op: string) => string[]> = ['INPUT', 'OUTPUT'].map((chain) => (op: string) => [
  op, chain, '-m', 'connmark', '--mark', DATA_MARK, '-j', 'DROP',
]);

/** Makes `n` hosts on one bridge. */
export function createLan(n: number): Lan {
  const tag = randomBytes(2).toString('hex');
  const net = freeNet(Number.parseInt(tag, 16));
  const bridge = `sc${tag}br`;
  const namespaces = Array.from({ length: n }, (_, i) => `sc${tag}-${i}`);
  const children: ChildProcess[] = [];
  const ip = (i: number): string => `10.${net}.0.${i + 1}`;
  const lan: Lan = {
    tag,
    bridge,
    namespaces,
    ip,
    hostIp: `10.${net}.0.254`,
    exec: (i, cmd) => run('ip', ['netns', 'exec', namespaces[i] as string, ...cmd]),
    spawn(i, cmd, log) {
      const child = spawn('ip', ['netns', 'exec', namespaces[i] as string, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
      if (log) {
        child.stdout?.on('data', (d: Buffer) => log.write(d));
        child.stderr?.on('data', (d: Buffer) => log.write(d));
      } else {
        child.stdout?.resume();
        child.stderr?.resume();
      }
      children.push(child);
      return child;
    },
    partition(a, b) {
      for (const i of a) for (const j of b) {
        for (const [x, y] of [[i, j], [j, i]] as const) {
          lan.exec(x, ['iptables', '-A', 'INPUT', '-s', ip(y), '-j', 'DROP']);
          lan.exec(x, ['iptables', '-A', 'OUTPUT', '-d', ip(y), '-j', 'DROP']);
        }
      }
    },
    cutData(i) {
      for (const rule of dataCutRules) lan.exec(i, ['iptables', ...rule('-A')]);
    },
    restoreData(i) {
      for (const rule of dataCutRules) lan.exec(i, ['iptables', ...rule('-D')]);
    },
    heal() {
      for (let i = 0; i < n; i++) {
        lan.exec(i, ['iptables', '-F', 'INPUT']);
        lan.exec(i, ['iptables', '-F', 'OUTPUT']);
      }
    },
    destroy() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const ns of namespaces) {
        try {
          run('ip', ['netns', 'pids', ns])
            .split('\n')
            .filter(Boolean)
            .forEach((pid) => process.kill(Number(pid), 'SIGKILL'));
        } catch {
          // already gone
        }
        try {
          run('ip', ['netns', 'del', ns]);
        } catch {
          // already gone
        }
      }
      try {
        run('ip', ['link', 'del', bridge]);
      } catch {
        // already gone
      }
    },
  };
  try {
    run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `10.${net}.0.254/24`, 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
    namespaces.forEach((ns, i) => {
      const host = `sc${tag}h${i}`;
      const peer = `sc${tag}p${i}`;
      run('ip', ['netns', 'add', ns]);
      run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
      run('ip', ['link', 'set', host, 'master', bridge, 'up']);
      run('ip', ['link', 'set', peer, 'netns', ns]);
      lan.exec(i, ['ip', 'link', 'set', peer, 'name', 'eth0']);
      lan.exec(i, ['ip', 'addr', 'add', `${ip(i)}/24`, 'dev', 'eth0']);
      lan.exec(i, ['ip', 'link', 'set', 'eth0', 'up']);
      lan.exec(i, ['ip', 'link', 'set', 'lo', 'up']);
      for (const chain of ['INPUT', 'OUTPUT']) for (const rule of dataMarkRules()) lan.exec(i, ['iptables', '-t', 'mangle', '-A', chain, ...rule]);
    });
  } catch (err) {
    lan.destroy();
    throw err;
  }
  return lan;
}
