import { createServer, type Server } from 'node:http';
import type { Address } from '../net/address.ts';
import { renderMetrics } from './metrics.ts';
import { nodeState } from './node-state.ts';
import type { ScxNode } from './scx-node.ts';

/** The node's admin HTTP server: `GET /metrics` (Prometheus) and `GET /state` (JSON). */
export async function startAdminServer(node: ScxNode, at: Address): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET' });
      return res.end(JSON.stringify({ error: { code: 'ERR_METHOD', message: 'only GET is served here' } }));
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(renderMetrics(node));
    }
    if (path === '/state') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(nodeState(node)));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: `no ${path} here; try /metrics or /state` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  return server;
}
