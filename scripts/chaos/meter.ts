/**
 * Bytes on the wire between the nodes and the attacker, counted by iptables in every node's namespace (chain
 * `SCMETER`, from INPUT and OUTPUT, rules that only count and return): what each node received from the attacker's
 * address and sent to it (the node ports and the admin port apart, since the bench itself reads /metrics and /state
 * from the attacker's address), and what it sent to the victim's address. IP packets as the kernel sees them:
 * headers, TCP handshakes and acknowledgements, TLS records, datagrams, dials that were never answered.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** What one node, or all of them, exchanged with the attacker and the victim, bytes. */
export interface WireBytes {
  /** From the attacker to a node port over TCP (not the admin port). */
  readonly fromAttacker: number;
  /** From a node to the attacker over TCP, but the admin port's answers. */
  readonly toAttacker: number;
  /** Datagrams from the attacker to a node. */
  readonly udpFromAttacker: number;
  /** Datagrams from a node to the attacker: what an attacker forging its source address could aim at someone else. */
  readonly udpToAttacker: number;
  /** From the attacker to the admin port. */
  readonly adminFromAttacker: number;
  /** From the admin port to the attacker. */
  readonly adminToAttacker: number;
  /** From a node to the victim's address, any port. */
  readonly toVictim: number;
}

const FIELDS = ['adminFromAttacker', 'adminToAttacker', 'udpFromAttacker', 'udpToAttacker', 'fromAttacker', 'toAttacker', 'toVictim'] as const;
const CHAIN = 'SCMETER';

export const NO_BYTES: WireBytes = { fromAttacker: 0, toAttacker: 0, udpFromAttacker: 0, udpToAttacker: 0, adminFromAttacker: 0, adminToAttacker: 0, toVictim: 0 };

/** `a - b`, field by field. */
export function minus(a: WireBytes, b: WireBytes): WireBytes {
  return Object.fromEntries(FIELDS.map((f) => [f, a[f] - b[f]])) as unknown as WireBytes;
}

function plus(a: WireBytes, b: WireBytes): WireBytes {
  return Object.fromEntries(FIELDS.map((f) => [f, a[f] + b[f]])) as unknown as WireBytes;
}

/** The byte meter of a set of namespaces. */
export class ByteMeter {
  constructor(
    private readonly namespaces: readonly string[],
    private readonly attackerIp: string,
    private readonly victimIp: string,
    private readonly adminPort: number,
  ) {}

  /** Makes the chain in every namespace (again: it is flushed first, so that counting starts at 0). */
  async install(): Promise<void> {
    const a = this.attackerIp;
    const port = String(this.adminPort);
    // One rule per field, in FIELDS order; each only counts, then goes back to INPUT/OUTPUT.
    const rules = [
      `-A ${CHAIN} -s ${a} -p tcp --dport ${port} -j RETURN`,
      `-A ${CHAIN} -d ${a} -p tcp --sport ${port} -j RETURN`,
      `-A ${CHAIN} -s ${a} -p udp -j RETURN`,
      `-A ${CHAIN} -d ${a} -p udp -j RETURN`,
      `-A ${CHAIN} -s ${a} -j RETURN`,
      `-A ${CHAIN} -d ${a} -j RETURN`,
      `-A ${CHAIN} -d ${this.victimIp} -j RETURN`,
    ];
    await Promise.all(
      this.namespaces.map(async (ns) => {
        const exists = await exec('ip', ['netns', 'exec', ns, 'iptables', '-n', '-L', CHAIN]).then(() => true, () => false);
        const head = exists ? [`-F ${CHAIN}`] : [`:${CHAIN} - [0:0]`, `-I INPUT 1 -j ${CHAIN}`, `-I OUTPUT 1 -j ${CHAIN}`];
        const child = exec('ip', ['netns', 'exec', ns, 'iptables-restore', '--noflush']);
        child.child.stdin?.end(['*filter', ...head, ...rules, 'COMMIT', ''].join('\n'));
        await child;
      }),
    );
  }

  /** Node i's counts so far. */
  async read(i: number): Promise<WireBytes> {
    const { stdout } = await exec('ip', ['netns', 'exec', this.namespaces[i] as string, 'iptables', '-n', '-v', '-x', '-L', CHAIN], { encoding: 'utf8' });
    const counts = stdout
      .split('\n')
      .filter((l) => /^\s*\d+\s+\d+\s+RETURN/.test(l))
      .map((l) => Number(l.trim().split(/\s+/)[1]));
    if (counts.length !== FIELDS.length) throw new Error(`${CHAIN} in ${this.namespaces[i]} has ${counts.length} rules, not ${FIELDS.length}`);
    return Object.fromEntries(FIELDS.map((f, k) => [f, counts[k] as number])) as unknown as WireBytes;
  }

  /** Every node's counts so far, summed. */
  async total(): Promise<WireBytes> {
    const all = await Promise.all(this.namespaces.map((_, i) => this.read(i)));
    return all.reduce(plus, NO_BYTES);
  }
}
