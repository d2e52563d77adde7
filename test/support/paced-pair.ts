/** Two insecure nodes on loopback, each with its frontend, node 0's uplink paced: the set-up of the daemon's congestion tests. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePorts } from '../../src/net/free-port.ts';

/** The pair, its session (one channel, id 1, node 1 the rendezvous), and how to stop it. */
export interface PacedPair {
  readonly nodes: readonly RunningNode[];
  readonly frontends: readonly string[];
  /** The announcement's XML, and the file holding it. */
  readonly announcement: string;
  readonly announcementFile: string;
  /** A scratch folder, removed by `stop`. */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts the pair: session `name` on channel 1 over `transport`, node 0's uplinks paced at `rateKbps`. */
export async function pacedPair(name: string, transport: string, rateKbps: number): Promise<PacedPair> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-paced-'));
  const [p0, p1, f0, f1] = await freePorts(4);
  const announcement = `<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="${transport}"/></CHANNEL><RENDEZVOUS>127.0.0.1:${p1}</RENDEZVOUS></SCATTERCAST>`;
  const announcementFile = join(dir, 'session.xml');
  writeFileSync(announcementFile, announcement);
  const nodes: RunningNode[] = [];
  const frontends: string[] = [];
  for (const [i, [port, fe]] of [[p0, f0], [p1, f1]].entries()) {
    frontends.push(`127.0.0.1:${fe}`);
    const uplinks = i === 0 ? { uplinks: { rateKbps } } : {};
    nodes.push(await runNode(nodeConfig({ listen: `127.0.0.1:${port}`, frontend: `127.0.0.1:${fe}`, logLevel: 'error', seed: i + 1, trust: { insecure: true }, ...uplinks }, dir)));
  }
  return {
    nodes,
    frontends,
    announcement,
    announcementFile,
    dir,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
