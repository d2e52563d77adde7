/**
 * The whiteboard's two clusters across network namespaces, each node a real `scattercast node` process: host 0 is
 * cluster west (one node, the presentation's rendezvous and the presenter's SCX), hosts 1 and 2 are cluster east
 * (host 1 runs east's frontend over both). Every node serves the whiteboard on its admin port (8400). Loss is
 * iptables' `statistic` match on the overlay's UDP into one host. SC_KEEP=1 keeps the configs and the nodes' logs.
 */

import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, type Lan } from './netns.ts';

/** The presentation every node serves. */
export const WB_SESSION = 'scast://demo.scattercast/talk';
/** Its title, as the welcome message carries it. */
export const WB_TITLE = 'Netns whiteboard';
/** The presenter's credential: the session's source secret on every node. */
export const WB_SECRET = 'netns-whiteboard-presenter-secret';
/** Screen width under which a viewer is small, CSS px (the edge's `smallWidth`). */
export const WB_SMALL_WIDTH = 640;
/** Overlay, admin and frontend ports of every host. */
const SCX_PORT = 7400;
const ADMIN_PORT = 8400;
const FRONTEND_PORT = 8080;
/** The cluster-internal token of every node (they are insecure: without one their internal routes would be open). */
const CLUSTER_TOKEN = 'netns-whiteboard-cluster-token';

/** Which cluster each host is in. */
export const WB_CLUSTERS = ['west', 'east', 'east'] as const;

/** The running LAN. */
export interface WhiteboardLan {
  readonly lan: Lan;
  /** Folder of the configs and logs. */
  readonly dir: string;
  /** Host i's SCX address, `ip:7400`. */
  scx(i: number): string;
  /** Host i's admin origin, `http://ip:8400`. */
  origin(i: number): string;
  /** What host i's attach path answers for the presentation (which SCX, which WebSocket). */
  attach(i: number): Promise<{ session: string; scx: string; ws: string }>;
  /** The host whose SCX address is `scx`. */
  hostOf(scx: string): number;
  /** The sum of host i's `scattercast_module_events_total` samples of `counter` (the adu module's counters). */
  moduleCounter(i: number, counter: string): Promise<number>;
  /** Packets host i's loss rule has dropped so far (0 when it has none). */
  lossDropped(i: number): number;
  /** Starts dropping `probability` of the UDP arriving at host i. */
  lossOn(i: number, probability: number): void;
  /** Stops it. */
  lossOff(i: number): void;
  /** Kills the nodes, removes the namespaces, and the folder unless SC_KEEP is set (then says where it is). */
  destroy(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The iptables rule of a lossy path into a host (its arguments after -A / -D). */
const lossRule = (probability: number): string[] => ['INPUT', '-p', 'udp', '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP'];

/** The last lines of a log, or why there are none. */
function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n  ');
  } catch (err) {
    return (err as Error).message;
  }
}

/** The config file of host i. */
function nodeConfig(lan: Lan, i: number): object {
  const at = (port: number) => (j: number): string => `${lan.ip(j)}:${port}`;
  const scx = at(SCX_PORT);
  const admin = at(ADMIN_PORT);
  const east = [1, 2].map((j) => ({ scx: scx(j), admin: admin(j) }));
  return {
    listen: scx(i),
    admin: admin(i),
    seed: i + 1,
    logLevel: process.env.SC_LOG_LEVEL ?? 'warn',
    trust: { insecure: true, clusterToken: CLUSTER_TOKEN, sourceSecrets: [{ session: WB_SESSION, secret: WB_SECRET }] },
    ...(WB_CLUSTERS[i] === 'west' ? { cluster: { name: 'west', members: [{ scx: scx(0), admin: admin(0) }] } } : { cluster: { name: 'east', members: east, prober: admin(1) } }),
    ...(i === 1 && { frontend: at(FRONTEND_PORT)(1) }),
    whiteboard: {
      presentations: [{ session: WB_SESSION, title: WB_TITLE }],
      rendezvous: [scx(0)],
      smallWidth: WB_SMALL_WIDTH,
    },
  };
}

/** Makes the namespaces, starts the three nodes and waits until every one's whiteboard answers its attach path. */
export async function startWhiteboardLan(): Promise<WhiteboardLan> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-whiteboard-netns-'));
  const lan = createLan(WB_CLUSTERS.length);
  const lossy = new Map<number, number>();
  const wb: WhiteboardLan = {
    lan,
    dir,
    scx: (i) => `${lan.ip(i)}:${SCX_PORT}`,
    origin: (i) => `http://${lan.ip(i)}:${ADMIN_PORT}`,
    async attach(i) {
      const res = await fetch(`${wb.origin(i)}/v1/whiteboard/attach?session=${encodeURIComponent(WB_SESSION)}`, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`attach at host ${i}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as { session: string; scx: string; ws: string };
    },
    hostOf(scx) {
      const i = WB_CLUSTERS.findIndex((_, j) => wb.scx(j) === scx);
      if (i < 0) throw new Error(`no host has SCX ${scx}`);
      return i;
    },
    async moduleCounter(i, counter) {
      const text = await (await fetch(`${wb.origin(i)}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
      const samples = text.split('\n').filter((l) => l.startsWith('scattercast_module_events_total{') && l.includes(`counter="${counter}"`));
      return samples.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    },
    lossDropped(i) {
      if (!lossy.has(i)) return 0;
      const rule = lan.exec(i, ['iptables', '-L', 'INPUT', '-v', '-x', '-n']).split('\n').find((l) => l.includes('statistic mode random'));
      return Number(rule?.trim().split(/\s+/)[0] ?? 0);
    },
    lossOn(i, probability) {
      if (lossy.has(i)) wb.lossOff(i);
      lan.exec(i, ['iptables', '-A', ...lossRule(probability)]);
      lossy.set(i, probability);
    },
    lossOff(i) {
      const p = lossy.get(i);
      if (p === undefined) return;
      lan.exec(i, ['iptables', '-D', ...lossRule(p)]);
      lossy.delete(i);
    },
    destroy() {
      lan.destroy();
      if (process.env.SC_KEEP) console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const nodes = WB_CLUSTERS.map((_, i) => {
      const file = join(dir, `node${i}.json`);
      writeFileSync(file, JSON.stringify(nodeConfig(lan, i), null, 1));
      return lan.spawn(i, [process.execPath, 'bin/scattercast.js', 'node', '--config', file], createWriteStream(join(dir, `node${i}.log`)));
    });
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < WB_CLUSTERS.length; i++) {
      for (;;) {
        const exited = nodes.findIndex((n) => n.exitCode !== null);
        if (exited >= 0) throw new Error(`node ${exited} exited with code ${nodes[exited]!.exitCode}`);
        const ok = await wb.attach(i).then(() => true, (err: Error) => (Date.now() > deadline ? Promise.reject(new Error(`node ${i} never served the whiteboard: ${err.message}`)) : false));
        if (ok) break;
        await sleep(250);
      }
    }
  } catch (err) {
    const tails = WB_CLUSTERS.map((_, i) => `node${i}: ${tail(join(dir, `node${i}.log`))}`);
    wb.destroy();
    throw new Error(`${(err as Error).message}\n${tails.join('\n')}`);
  }
  return wb;
}
