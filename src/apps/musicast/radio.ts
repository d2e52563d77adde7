/**
 * MusiCast at one node (paper 6.6.1, issue 14): the Icecast-compatible radio port, and for each mount of the station
 * its session in the overlay, its source, its edge and its players. Encoders push into any node that lists the mount;
 * players tune into any node (or are sent to a cluster member by a 302); the overlay carries the stream between.
 */

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, ScError } from '../../core/errors.ts';
import type { Logger } from '../../daemon/log.ts';
import type { ScxNode } from '../../daemon/scx-node.ts';
import { Mp3FrameSplitter } from './mp3/frame-splitter.ts';
import { startRadioPort, type RadioPort } from './ingest/radio-port.ts';
import { radioRoutes } from './radio-routes.ts';
import type { RadioConfig } from './radio-config.ts';
import { mountAnnouncement, STREAM_CHANNEL, StationMount } from './station-mount.ts';

/** Largest MP3 file read (a fallback, the demo's), bytes. */
const MP3_FILE_MAX_BYTES = 64 << 20;

/** How often mounts fill outages and send their sources' reports, ms. */
const TICK_MS = 20;

/** MusiCast running at a node. */
export interface Radio {
  readonly port: RadioPort;
  /** The mounts by path (`/live`). */
  readonly mounts: ReadonlyMap<string, StationMount>;
  /** Stops the port, the sources and the players. */
  close(): Promise<void>;
}

/** Options of MusiCast at a node. */
export interface RadioOptions {
  readonly node: ScxNode;
  readonly config: RadioConfig;
  readonly log: Logger;
  /** The node's HTTPS key and certificate: the radio port speaks TLS with them (default: plain HTTP). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
}

/** The frames of an MP3 file (`what` names it in errors); ScError(ERR_CONFIG_INVALID) when it cannot be read or holds no frame. */
export function loadMp3Frames(path: string, what: string): Buffer[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ScError(ErrorCode.CONFIG_INVALID, `${what}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (bytes.length > MP3_FILE_MAX_BYTES) throw new ScError(ErrorCode.CONFIG_INVALID, `${what}: ${path} is larger than ${MP3_FILE_MAX_BYTES >> 20} MiB`);
  const splitter = new Mp3FrameSplitter();
  const frames = [...splitter.push(bytes), ...splitter.flush()].map((f) => f.bytes);
  if (frames.length === 0) throw new ScError(ErrorCode.CONFIG_INVALID, `${what}: ${path} holds no MP3 frame`);
  return frames;
}

/** Starts MusiCast: joins every mount's session, opens the radio port. */
export async function startRadio(o: RadioOptions): Promise<Radio> {
  const { node, config, log } = o;
  const fallback = config.fallback === undefined ? [] : loadMp3Frames(config.fallback, '"radio.fallback"');
  const mounts = new Map<string, StationMount>();
  const bySession = new Map<string, StationMount>();
  for (const m of config.mounts) {
    const session = node.join(mountAnnouncement(config, m, node.self));
    const mount = new StationMount(m, session, config, node.self, fallback);
    mounts.set(m.mount, mount);
    bySession.set(session.idHex, mount);
  }
  node.onDelivery((s, channel, packet) => {
    if (channel === STREAM_CHANNEL) bySession.get(s.idHex)?.onDelivery(packet);
  });
  const ticker = setInterval(
    node.guard.wrap('radio tick', () => {
      for (const m of mounts.values()) m.tick();
    }),
    TICK_MS,
  );
  let port: RadioPort | undefined;
  try {
    if (config.multicast) for (const m of mounts.values()) await m.serveMulticast(config.multicast);
    const routes = radioRoutes(config, mounts);
    port = await startRadioPort({
      listen: config.listen,
      ...(o.tls && { tls: o.tls }),
      log,
      http: node.guard.wrap('radio request', (req: IncomingMessage, res: ServerResponse) => routes(req, res)),
      ingest: {
        credentials: (path) => {
          const m = mounts.get(path)?.config;
          return m && { user: m.user, password: m.password };
        },
        open: (path, info) => {
          const m = mounts.get(path);
          if (!m) return 'busy';
          const sink = m.source.open(info);
          if (sink !== 'busy') log('info', 'radio source connected', { mount: path, remote: info.remote, agent: info.userAgent });
          return sink;
        },
        metadata: (path, song) => mounts.get(path)?.source.setTitle(song) ?? false,
      },
    });
  } catch (err) {
    clearInterval(ticker);
    for (const m of mounts.values()) m.close();
    throw err;
  }
  const p = port;
  return {
    port: p,
    mounts,
    async close() {
      clearInterval(ticker);
      for (const m of mounts.values()) m.close();
      await p.close();
    },
  };
}
