/**
 * MusiCast under test: `node bin/scattercast.js node --config FILE` with a `radio` section (src/apps/musicast/
 * radio-config.ts), one node, or three (each a cluster of its own) sharing the station's rendezvous, the first
 * node's overlay address: the source pushes into the first, listeners are spread over all three.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../bench-dataplane/cluster.ts';
import { onCleanup, spawnTracked, stopChild } from '../bench-dataplane/procs.ts';
import { REPO_ROOT } from '../bench-dataplane/scx.ts';
import type { Endpoint } from './fleet.ts';
import { processTree, signalTree } from './proc-tree.ts';
import { MOUNT, SOURCE_PASSWORD, SOURCE_USER, waitHttpOk, type RadioServer } from './server.ts';

/** Options of a MusiCast run. */
export interface MusicastOptions {
  /** Nodes: 1, or 3 for the overlay. */
  readonly nodes: number;
  /** Seed of the nodes' random choices. */
  readonly seed: number;
  /** Bytes a new listener gets at once (burstBytes). */
  readonly burstBytes: number;
  /** Bytes a listener may fall behind before it is cut (queueBytes). */
  readonly queueBytes: number;
}

/** The node config of one node (fields of src/daemon/node-config.ts plus `radio`). */
export function musicastConfig(listen: string, radioListen: string, rendezvous: string, o: MusicastOptions): object {
  return {
    listen,
    seed: o.seed,
    logLevel: 'warn',
    trust: { insecure: true },
    radio: {
      listen: radioListen,
      station: 'bench',
      rendezvous: [rendezvous],
      mounts: [{ mount: MOUNT, user: SOURCE_USER, password: SOURCE_PASSWORD, name: 'Bench', bitrate: 128 }],
      burstBytes: o.burstBytes,
      queueBytes: o.queueBytes,
    },
  };
}

/** One node: its process, its radio port, and its stderr's last lines. */
interface Node {
  readonly child: ChildProcess;
  readonly endpoint: Endpoint;
  readonly tail: string[];
}

/** Starts the nodes one after the other, each ready once its radio port serves /status-json.xsl (bounded to 30 s each). */
export async function startMusicast(o: MusicastOptions): Promise<RadioServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-radio-musicast-'));
  const nodes: Node[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(nodes.map((n) => stopTree(n.child)));
      rmSync(dir, { recursive: true, force: true });
      unregister();
    })());
  const unregister = onCleanup(stop);
  try {
    let rendezvous = '';
    for (let i = 0; i < o.nodes; i++) {
      const listen = `127.0.0.1:${await freePort()}`;
      rendezvous ||= listen;
      const port = await freePort();
      const file = join(dir, `node-${i + 1}.json`);
      writeFileSync(file, JSON.stringify(musicastConfig(listen, `127.0.0.1:${port}`, rendezvous, o), null, 2));
      const child = spawnTracked(process.execPath, [join(REPO_ROOT, 'bin/scattercast.js'), 'node', '--config', file], { cwd: REPO_ROOT });
      const tail: string[] = [];
      child.stdout?.resume();
      child.stderr?.setEncoding('utf8').on('data', (s: string) => {
        tail.push(...s.split('\n').filter((l) => l.length > 0));
        tail.splice(0, Math.max(0, tail.length - 30));
      });
      nodes.push({ child, endpoint: { host: '127.0.0.1', port, mount: MOUNT }, tail });
      await waitHttpOk(`http://127.0.0.1:${port}/status-json.xsl`, 30_000, child, () => `--- node ${i + 1} stderr ---\n${tail.join('\n')}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    name: o.nodes === 1 ? 'musicast' : `musicast x${o.nodes}`,
    ingest: (nodes[0] as Node).endpoint,
    endpoints: nodes.map((n) => n.endpoint),
    pids: () => nodes.map((n) => processTree(n.child.pid as number)),
    stop,
  };
}

/** Stops a node and whatever it started (transcoders), by PID. */
async function stopTree(child: ChildProcess): Promise<void> {
  const tree = processTree(child.pid as number).slice(1);
  await stopChild(child, 3000);
  signalTree(tree, 'SIGKILL');
}
