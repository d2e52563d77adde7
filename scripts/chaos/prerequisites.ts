/** What the bench needs of the machine, each missing thing said in one phrase. */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

function works(cmd: string, args: readonly string[]): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer; message: string };
    if (e.code === 'ENOENT') return `${cmd} not found on PATH`;
    return (e.stderr?.toString().trim() || e.message).split('\n')[0];
  }
}

/** Missing prerequisites (empty: all there): root, ip netns, iptables with the string and connmark matches. */
export function missingPrerequisites(): string[] {
  if (process.getuid?.() !== 0) return ['needs root (network namespaces and iptables): run it as root, e.g. sudo npm run bench:chaos'];
  const out: string[] = [];
  for (const [cmd, args] of [['ip', ['-V']], ['iptables', ['--version']], ['iptables-restore', ['--version']]] as const) {
    const why = works(cmd, args);
    if (why) out.push(`${cmd}: ${why}`);
  }
  if (out.length > 0) return out;
  const ns = `scprobe${randomBytes(2).toString('hex')}`;
  const add = works('ip', ['netns', 'add', ns]);
  if (add) return [`cannot make a network namespace: ${add}`];
  try {
    const rule = ['-p', 'tcp', '-m', 'string', '--algo', 'bm', '--hex-string', '|534358|', '-j', 'CONNMARK', '--set-mark', '1'];
    const string = works('ip', ['netns', 'exec', ns, 'iptables', '-t', 'mangle', '-A', 'INPUT', ...rule]);
    if (string) out.push(`iptables string match or CONNMARK target unusable: ${string}`);
    const connmark = works('ip', ['netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-m', 'connmark', '--mark', '1', '-j', 'DROP']);
    if (connmark) out.push(`iptables connmark match unusable: ${connmark}`);
  } finally {
    works('ip', ['netns', 'del', ns]);
  }
  return out;
}
