/** Runs a node process from its configuration until SIGINT or SIGTERM, then stops it cleanly. */

import type { Server } from 'node:http';
import { startAdminServer } from './admin-server.ts';
import { startFrontend } from './frontend.ts';
import { joinHere } from './local-join.ts';
import { createLogger } from './log.ts';
import { builtinRegistry, loadModuleFile } from './module-loader.ts';
import type { NodeConfig } from './node-config.ts';
import { Recorder } from './recorder.ts';
import { ScxNode } from './scx-node.ts';
import { startTestSource } from './test-source.ts';
import { formatAddress } from '../net/address.ts';

/** A running node and how to stop it. */
export interface RunningNode {
  readonly node: ScxNode;
  /** Leaves every session (flooding LEAVE), closes sockets and files. */
  stop(): Promise<void>;
}

/** Starts a node: sockets, admin server, sessions, test sources and recorders. */
export async function runNode(config: NodeConfig): Promise<RunningNode> {
  const log = createLogger(config.logLevel, { node: config.advertise ?? formatAddress(config.listen) });
  const registry = builtinRegistry();
  for (const path of config.modules) await loadModuleFile(registry, path);
  // Refuse a session this node cannot carry before opening any socket (paper 3.2: the client tries elsewhere).
  for (const entry of config.sessions) for (const ch of entry.announcement.channels) registry.resolve(ch.unicast);
  const node = new ScxNode({
    listen: config.listen,
    advertise: config.advertise,
    gossamer: config.gossamer,
    probe: { intervalMs: config.probeIntervalMs },
    seed: config.seed,
    multicast: config.multicast,
    registry,
    log,
  });
  await node.start();
  let admin: Server | undefined;
  if (config.admin) admin = await startAdminServer(node, config.admin);
  let frontend: Server | undefined;
  if (config.frontend) {
    frontend = await startFrontend(config.frontend, {
      join: async (announcement) => joinHere(node, announcement),
      allowPrivateUrls: config.allowPrivateUrls,
      log,
    });
    log('info', 'frontend listening', { url: `http://${formatAddress(config.frontend)}/v1/sessions` });
  }
  const recorders = new Map<string, Recorder>();
  const stops: Array<() => void> = [];
  node.onDelivery((s, channel, packet) => recorders.get(s.idHex)?.record(channel, packet));
  for (const entry of config.sessions) {
    const s = node.join(entry.announcement);
    if (entry.record) recorders.set(s.idHex, new Recorder(entry.record));
    if (entry.source) {
      s.becomeSource();
      const source = `test-source@${node.self}`;
      stops.push(startTestSource(entry.source, (channel, payload) => s.inject(channel, source, [payload])));
    }
  }
  if (admin) log('info', 'admin server listening', { metrics: `http://${formatAddress(config.admin!)}/metrics` });
  return {
    node,
    async stop() {
      for (const stop of stops) stop();
      await node.stop();
      for (const server of [admin, frontend]) {
        server?.close();
        server?.closeAllConnections();
      }
      await Promise.all([...recorders.values()].map((r) => r.close()));
    },
  };
}
