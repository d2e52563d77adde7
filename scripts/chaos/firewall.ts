/**
 * The bench's iptables rules, in each node's namespace, in chains of its own (so that nothing else's rules are
 * touched and healing is one flush):
 * - `SCCHAOS` (filter, from INPUT and OUTPUT): partitions, one DROP per address on the other side, both ways;
 * - `SCGRAY` (filter, from INPUT and OUTPUT): the gray failure, dropping packets of connections marked as data
 *   (createLan marks every TCP connection whose first bytes say it is a data connection, a data hello in plaintext or
 *   the data ALPN name in a TLS ClientHello, with DATA_MARK, from the start, so control connections and UDP probes
 *   never are).
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DATA_MARK } from '../../test/support/netns.ts';

const exec = promisify(execFile);

async function ipt(ns: string, args: readonly string[], input?: string): Promise<void> {
  const child = exec('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  await child;
}

/** Rules of one namespace, applied at once with iptables-restore (no flush of anything else). */
function restore(ns: string, rules: string): Promise<void> {
  return ipt(ns, ['iptables-restore', '--noflush'], rules);
}

/** The firewall of a set of namespaces (host i in namespaces[i], address ips[i]). */
export class Firewall {
  constructor(
    private readonly namespaces: readonly string[],
    private readonly ips: readonly string[],
  ) {}

  /** Creates the chains in every namespace. */
  async install(): Promise<void> {
    const rules = [
      '*filter',
      ':SCCHAOS - [0:0]',
      ':SCGRAY - [0:0]',
      '-I INPUT -j SCCHAOS',
      '-I OUTPUT -j SCCHAOS',
      '-I INPUT -j SCGRAY',
      '-I OUTPUT -j SCGRAY',
      'COMMIT',
      '',
    ].join('\n');
    await Promise.all(this.namespaces.map((ns) => restore(ns, rules)));
  }

  /** Cuts hosts `a` from hosts `b`, both ways, in every namespace of either side at once. */
  async partition(a: readonly number[], b: readonly number[]): Promise<void> {
    const rulesFor = (others: readonly number[]): string =>
      ['*filter', ...others.flatMap((j) => [`-A SCCHAOS -s ${this.ips[j]} -j DROP`, `-A SCCHAOS -d ${this.ips[j]} -j DROP`]), 'COMMIT', ''].join('\n');
    await Promise.all([
      ...a.map((i) => restore(this.namespaces[i] as string, rulesFor(b))),
      ...b.map((i) => restore(this.namespaces[i] as string, rulesFor(a))),
    ]);
  }

  /** Removes every partition rule. */
  async heal(): Promise<void> {
    await Promise.all(this.namespaces.map((ns) => ipt(ns, ['iptables', '-F', 'SCCHAOS'])));
  }

  /** Drops every packet of host i's data connections (both ways), and nothing else. */
  async grayOn(i: number): Promise<void> {
    await restore(this.namespaces[i] as string, ['*filter', `-A SCGRAY -m connmark --mark ${DATA_MARK} -j DROP`, 'COMMIT', ''].join('\n'));
  }

  /** Ends the gray failure of host i. */
  async grayOff(i: number): Promise<void> {
    await ipt(this.namespaces[i] as string, ['iptables', '-F', 'SCGRAY']);
  }

  /** Packets host i's gray rule dropped so far (to show that it matched). */
  async grayDrops(i: number): Promise<number> {
    const { stdout } = await exec('ip', ['netns', 'exec', this.namespaces[i] as string, 'iptables', '-L', 'SCGRAY', '-v', '-x', '-n'], { encoding: 'utf8' });
    return stdout
      .split('\n')
      .filter((l) => l.includes('DROP'))
      .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
  }

  /** Data connections host i's conntrack holds marked (how many the mark caught). */
  async markedConnections(i: number): Promise<number | undefined> {
    try {
      const { stdout } = await exec('ip', ['netns', 'exec', this.namespaces[i] as string, 'cat', '/proc/net/nf_conntrack'], { encoding: 'utf8' });
      return stdout.split('\n').filter((l) => l.includes(`mark=${Number(DATA_MARK)}`)).length;
    } catch {
      return undefined;
    }
  }
}
