/**
 * What the radio port answers players and dashboards (everything but sources and `/admin/metadata`, which the
 * ingest takes): `GET /mount` (the stream, or a 302 to the cluster member chosen for this player), `GET /mount.sdp`
 * (the multicast stream's description), and Icecast's `/status-json.xsl`, so existing radio dashboards work.
 */

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatAddress } from '../../net/address.ts';
import { statusJson } from './listen/status-json.ts';
import type { RadioConfig } from './radio-config.ts';
import type { StationMount } from './station-mount.ts';

/** Longest request path looked at, characters. */
const MAX_PATH = 512;

/** Answers `status` with a short text body. */
function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  res.end(`${text}\n`);
}

/**
 * The cluster member a player goes to: highest random weight of (member, player address), so each player always
 * lands on the same member and players spread evenly; undefined when this node serves it.
 */
export function memberFor(members: readonly string[], self: string, player: string): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const m of members) {
    const w = createHash('md5').update(m).update('\0').update(player).digest().readUInt32BE(0);
    if (w > bestWeight) [best, bestWeight] = [m, w];
  }
  return best === undefined || best === self ? undefined : best;
}

/** The radio port's handler of player and status requests. */
export function radioRoutes(config: RadioConfig, mounts: ReadonlyMap<string, StationMount>): (req: IncomingMessage, res: ServerResponse) => void {
  const self = `http://${formatAddress(config.listen)}`;
  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.length > MAX_PATH ? '' : url.split('?', 1)[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'only GET and HEAD here (sources: PUT or SOURCE)', { allow: 'GET, HEAD' });
    if (path === '/status-json.xsl') {
      const host = req.headers.host ?? formatAddress(config.listen);
      const body = JSON.stringify(statusJson(host, [...mounts.values()].map((m) => m.listeners)));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'access-control-allow-origin': '*' });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (path.endsWith('.sdp')) {
      const sdp = mounts.get(path.slice(0, -4))?.sdp(config);
      if (sdp === undefined) return reply(res, 404, `no multicast stream at ${path.slice(0, 80)}`);
      res.writeHead(200, { 'content-type': 'application/sdp', 'cache-control': 'no-cache' });
      return void res.end(req.method === 'HEAD' ? undefined : sdp);
    }
    const mount = mounts.get(path);
    if (mount) {
      const member = memberFor(config.members, self, req.socket.remoteAddress ?? '');
      if (member !== undefined) return reply(res, 302, `this station's stream is at ${member}${url}`, { location: `${member}${url}` });
      return mount.listeners.accept(req, res);
    }
    if (path === '/') return reply(res, 200, [...mounts.keys()].map((m) => `${self}${m}`).join('\n'));
    reply(res, 404, `no mount ${JSON.stringify(path.slice(0, 80))} here; mounts: ${[...mounts.keys()].join(', ')}`);
  };
}
