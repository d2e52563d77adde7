/** Starts a node from its configuration and gives back how to stop it cleanly (the CLI stops it on SIGINT or SIGTERM). */

import { startAdminServer, type AdminServer } from './admin-server.ts';
import { ClusterPlacement } from '../cluster/cluster-placement.ts';
import { startFrontend } from '../cluster/frontend.ts';
import { joinHere } from './local-join.ts';
import { createLogger } from './log.ts';
import { builtinRegistry, loadModuleFile } from './module-loader.ts';
import type { NodeConfig } from './node-config.ts';
import { nodeSnapshot } from './node-snapshot.ts';
import { Recorder } from './recorder.ts';
import { logTrust, nodeTrust, type NodeTrust } from './node-trust.ts';
import { ScxNode } from './scx-node.ts';
import { startTestSource } from './test-source.ts';
import { formatAddress, parseAddress } from '../net/address.ts';
import { AdminClient } from '../net/admin-client.ts';
import type { WebServer } from '../net/http-server.ts';
import { startRadio, type Radio } from '../apps/musicast/radio.ts';
import { startWhiteboard, type Whiteboard } from '../apps/whiteboard/whiteboard.ts';
import { ffmpegAvailable, ffmpegTranscoders } from '../apps/musicast/transcode/ffmpeg-transcoder.ts';

/** A running node and how to stop it. */
export interface RunningNode {
  readonly node: ScxNode;
  /** The frontend's placement, when it spreads sessions over several nodes. */
  readonly placement: ClusterPlacement | undefined;
  /** The node's identity (undefined when insecure) and its cluster token. */
  readonly trust: NodeTrust;
  /** MusiCast, when the config has a `radio` section. */
  readonly radio: Radio | undefined;
  /** The whiteboard, when the config has a `whiteboard` section (served on the admin port). */
  readonly whiteboard: Whiteboard | undefined;
  /** Leaves every session (flooding LEAVE), closes sockets and files. */
  stop(): Promise<void>;
}

/** Starts a node: sockets, admin server, frontend, sessions, test sources and recorders. */
export async function runNode(config: NodeConfig): Promise<RunningNode> {
  const self = config.advertise ?? formatAddress(config.listen);
  const log = createLogger(config.logLevel, { node: self });
  const trust = nodeTrust(config.trust, self);
  // The rtp module's adaptation transcodes with ffmpeg (paper 6.6.1); without it, streams keep their bitrate.
  const transcode = ffmpegAvailable();
  if (!transcode && config.radio) log('warn', 'no ffmpeg with libmp3lame on PATH: the rtp module will not step lossy branches down to lower bitrates');
  const registry = builtinRegistry(transcode ? ffmpegTranscoders({ log }) : undefined);
  for (const path of config.modules) await loadModuleFile(registry, path);
  // Refuse a session this node cannot carry before opening any socket (paper 3.2: the client tries elsewhere).
  for (const entry of config.sessions) for (const ch of entry.announcement.channels) registry.resolve(ch.unicast);
  const prober = config.cluster?.prober;
  const probesHere = prober === undefined || (config.admin !== undefined && prober === formatAddress(config.admin));
  const clusterCalls = new AdminClient({ token: trust.clusterToken, ca: config.trust.https?.pem.ca });
  const node = new ScxNode({
    listen: config.listen,
    advertise: config.advertise,
    gossamer: config.gossamer,
    probe: { intervalMs: config.pingIntervalMs },
    dataLinkSilenceMs: config.dataLinkSilenceMs,
    ...(!probesHere && { sharedProbe: { prober, intervalMs: config.pingIntervalMs, client: clusterCalls } }),
    seed: config.seed,
    multicast: config.multicast,
    sources: { insecure: config.trust.insecure, secrets: config.trust.sourceSecrets },
    limits: config.limits,
    ...(trust.identity && { identity: trust.identity }),
    ...(config.emulate && { emulate: config.emulate }),
    ...(config.uplinks && { uplinks: config.uplinks }),
    registry,
    log,
  });
  await node.start();
  logTrust(trust, log);
  const frontendUrl = config.frontend ? `${clusterCalls.scheme}://${formatAddress(config.frontend)}/v1/sessions` : null;
  let admin: AdminServer | undefined;
  let frontend: WebServer | undefined;
  let placement: ClusterPlacement | undefined;
  let radio: Radio | undefined;
  let whiteboard: Whiteboard | undefined;
  const stops: Array<() => void> = [];
  try {
    const members = config.frontend ? (config.cluster?.members ?? []) : [];
    if (members.length > 0) {
      placement = new ClusterPlacement({
        members,
        self,
        hostHere: (a) => joinHere(node, a),
        hostsHere: (hex) => node.sessions.has(hex),
        maxSessions: config.limits.sessionsPerFrontend,
        client: clusterCalls,
        log,
      });
      placement.start();
    }
    if (config.radio) {
      const https = config.trust.https;
      radio = await startRadio({ node, config: config.radio, log, ...(https && { tls: { key: https.pem.key, cert: https.pem.cert } }) });
      log('info', 'radio port listening', { url: `${https ? 'https' : 'http'}://${formatAddress(radio.port.address)}/`, mounts: config.radio.mounts.map((m) => m.mount) });
    }
    if (config.whiteboard) {
      if (!config.admin) log('warn', 'the whiteboard is served on the admin port, and this node has none ("admin"): browsers cannot reach it');
      const members = config.cluster?.members;
      whiteboard = startWhiteboard({ node, config: config.whiteboard, log, ...(placement && { placement }), ...(members && { members }), tls: config.trust.https !== undefined });
    }
    if (config.admin) {
      admin = await startAdminServer(node, config.admin, {
        ...(radio && { radio }),
        ...(whiteboard && { whiteboard }),
        cluster: config.cluster?.name ?? null,
        snapshot: () => nodeSnapshot(node, config.cluster, frontendUrl, clusterCalls),
        ...(placement && { placement }),
        clusterToken: trust.clusterToken,
        ...(config.trust.https && { tls: config.trust.https.pem }),
        log,
      });
      log('info', 'admin server listening', { dashboard: `${clusterCalls.scheme}://${formatAddress(config.admin)}/dashboard/` });
      if (whiteboard) log('info', 'whiteboard served', { presenter: `${clusterCalls.scheme}://${formatAddress(config.admin)}/whiteboard/present.html`, viewer: `${clusterCalls.scheme}://${formatAddress(config.admin)}/whiteboard/view.html` });
    }
    if (config.frontend) {
      const p = placement;
      frontend = await startFrontend(config.frontend, {
        join: async (announcement) => (p ? p.join(announcement) : joinHere(node, announcement)),
        allowPrivateUrls: config.allowPrivateUrls,
        homeHosts: [config.listen, config.frontend, ...(config.cluster?.members ?? []).map((m) => parseAddress(m.scx))].map((a) => a.host),
        ...(config.trust.https && { tls: config.trust.https.pem }),
        log,
      });
      log('info', 'frontend listening', { url: frontendUrl, members: members.length || 1 });
    }
  } catch (err) {
    placement?.stop();
    admin?.close();
    whiteboard?.close();
    await radio?.close();
    await node.stop();
    throw err;
  }
  const recorders = new Map<string, Recorder>();
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
  return {
    node,
    placement,
    trust,
    radio,
    whiteboard,
    async stop() {
      for (const stop of stops) stop();
      whiteboard?.close();
      await radio?.close();
      placement?.stop();
      await node.stop();
      admin?.close();
      frontend?.close();
      frontend?.closeAllConnections();
      await Promise.all([...recorders.values()].map((r) => r.close()));
    },
  };
}
