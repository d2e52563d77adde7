/**
 * Nodes serving one whiteboard presentation on loopback for the edge's tests: node 0 is the rendezvous, every node
 * has an admin port (the whiteboard's), the session's secret is SECRET.
 */

import { nodeConfig } from '../../../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../../../src/daemon/run-node.ts';
import { freePorts } from '../../../../src/net/free-port.ts';
import { openBoard, type BoardSocket } from './board-socket.ts';

/** The presentation's session. */
export const SESSION = 'scast://test.scattercast/talk';

/** The presenter's credential (the session's source secret). */
export const SECRET = 'a secret of at least 16 bytes';

/** A node of the test and its admin base URL. */
export interface BoardNode {
  readonly running: RunningNode;
  /** `http://127.0.0.1:<admin port>`. */
  readonly admin: string;
  /** Opens a browser's WebSocket to this node (`query` after `?session=...`). */
  open(query?: string): Promise<BoardSocket>;
}

/** Starts `n` nodes (whiteboard options `extra` over the defaults); `cluster`: one cluster, node 0 its frontend. */
export async function startBoardNodes(n: number, extra: Record<string, unknown> = {}, cluster = false): Promise<BoardNode[]> {
  const ports = await freePorts(2 * n + 1);
  const members = Array.from({ length: n }, (_, i) => ({ scx: `127.0.0.1:${ports[2 * i]}`, admin: `127.0.0.1:${ports[2 * i + 1]}` }));
  const clustered = (i: number) => (cluster ? { cluster: { name: 'wb', members }, ...(i === 0 && { frontend: `127.0.0.1:${ports[2 * n]}` }) } : {});
  const rendezvous = `127.0.0.1:${ports[0]}`;
  const nodes: BoardNode[] = [];
  for (let i = 0; i < n; i++) {
    const config = nodeConfig(
      {
        listen: `127.0.0.1:${ports[2 * i]}`,
        admin: `127.0.0.1:${ports[2 * i + 1]}`,
        logLevel: 'error',
        seed: i + 1,
        trust: { insecure: true, sourceSecrets: [{ session: SESSION, secret: SECRET }] },
        whiteboard: { presentations: [{ session: SESSION, title: 'Test talk' }], rendezvous: [rendezvous], ...extra },
        ...clustered(i),
      },
      process.cwd(),
    );
    const running = await runNode(config);
    const admin = `http://127.0.0.1:${ports[2 * i + 1]}`;
    nodes.push({ running, admin, open: (query = '') => openBoard(`${admin.replace('http', 'ws')}/v1/whiteboard?session=${encodeURIComponent(SESSION)}${query}`) });
  }
  return nodes;
}

/** A /metrics value of `node`: the sum of the series of `name` whose line contains `label`. */
export async function metric(node: BoardNode, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`${node.admin}/metrics`)).text();
  const lines = text.split('\n').filter((l) => /^[a-z_][a-z0-9_]*/.exec(l)?.[0] === name && l.includes(label));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
