import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { LOG_LEVELS } from '../daemon/log.ts';
import { runNode } from '../daemon/run-node.ts';
import { nodeConfig, nodeConfigJson, readNodeConfigFile, type NodeConfigFile } from '../daemon/node-config.ts';
import { PROFILE_NAMES } from '../gossamer/profiles.ts';
import { formatAddress } from '../net/address.ts';
import { intFlag } from './options.ts';
import { untilStopped } from './signals.ts';

interface NodeFlags {
  config?: string;
  listen?: string;
  advertise?: string;
  admin?: string;
  frontend?: string;
  allowPrivateUrls?: boolean;
  multicastInterface?: string;
  announcement: string[];
  source?: number;
  rate?: number;
  record?: string;
  profile?: string;
  seed?: number;
  logLevel?: string;
  printConfig?: boolean;
  insecure?: boolean;
  stateDir?: string;
  overlay?: string;
}

/** `scattercast node`: runs one node of a cluster until SIGINT/SIGTERM. */
export function addNode(program: Command, out: (line: string) => void): void {
  program
    .command('node')
    .description('run one scattercast node: it hosts the SCXs of many sessions (stop with Ctrl-C: it floods LEAVE first)')
    .option('--config <file>', 'JSON config file (flags below override it); clusters of several nodes are set there (see README)')
    .option('--listen <host:port>', 'TCP and UDP address to listen on (default 127.0.0.1:7400)')
    .option('--advertise <host:port>', 'address peers reach this node at (default: --listen)')
    .option('--admin <host:port>', 'serve /metrics and the live dashboard (/dashboard/) here, and /state, /v1/host, /v1/probe to the cluster token; HTTPS if the config names trust.certificate')
    .option('--frontend <host:port>', 'serve the cluster frontend here: clients ask it for sessions (POST /v1/sessions)')
    .option('--allow-private-urls', 'let the frontend fetch announcements from loopback and private addresses')
    .option('--multicast-interface <ipv4>', 'also serve channels on local multicast (239.255.0.0/16, TTL 1) from this interface')
    .option('--announcement <file>', 'join the session this XML announcement describes (repeatable)', collect, [])
    .option('--source <channel>', 'run a test source on this channel of the first session', intFlag('--source', 0, 65535))
    .option('--rate <packets/s>', 'test source rate, packets per second (default 50)', intFlag('--rate', 1, 1_000_000))
    .option('--record <file>', 'append every packet delivered here (first session) to this JSON-lines file')
    .option('--profile <name>', `protocol profile: ${PROFILE_NAMES.join(', ')} (default tuned)`)
    .option('--seed <n>', 'seed of every random choice (default 1)', intFlag('--seed', 0))
    .addOption(new Option('--log-level <level>', 'log level of the JSON-lines logs on stderr (default info)').choices(LOG_LEVELS))
    .option('--insecure', 'plaintext node links, nothing authenticated: for lab runs only (logged and in /metrics as scattercast_secure 0)')
    .option('--state-dir <folder>', "the node's key and credential live here (default ~/.scattercast, or $SCATTERCAST_STATE_DIR)")
    .option('--overlay <folder>', "the overlay credential: overlay.pub, and overlay.key to issue this node's credential (default <state-dir>/overlay, made on first start)")
    .option('--print-config', 'print the effective config as JSON, every default filled in, and exit')
    .action(async (flags: NodeFlags) => {
      // Before any start-up work: a SIGTERM from here on stops the node cleanly (LEAVE), once it has started.
      const stopped = untilStopped();
      const { raw, baseDir } = flags.config ? readNodeConfigFile(flags.config) : { raw: {} as NodeConfigFile, baseDir: process.cwd() };
      const sessions = raw.sessions ?? [];
      flags.announcement.forEach((a, i) => {
        const first = i === 0 && sessions.length === 0;
        sessions.push({
          announcement: a,
          ...(first && flags.source !== undefined ? { source: { channel: flags.source, packetsPerSecond: flags.rate ?? 50 } } : {}),
          ...(first && flags.record ? { record: flags.record } : {}),
        });
      });
      const config = nodeConfig(
        {
          ...raw,
          listen: flags.listen ?? raw.listen ?? '127.0.0.1:7400',
          ...(flags.advertise ? { advertise: flags.advertise } : {}),
          ...(flags.admin ? { admin: flags.admin } : {}),
          ...(flags.frontend ? { frontend: flags.frontend } : {}),
          ...(flags.allowPrivateUrls ? { allowPrivateUrls: true } : {}),
          ...(flags.multicastInterface ? { multicast: { interface: flags.multicastInterface } } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(flags.logLevel ? { logLevel: flags.logLevel } : {}),
          ...((flags.insecure || flags.stateDir || flags.overlay) && {
            trust: {
              ...raw.trust,
              ...(flags.insecure && { insecure: true }),
              ...(flags.stateDir && { stateDir: resolve(flags.stateDir) }),
              ...(flags.overlay && { overlay: resolve(flags.overlay) }),
            },
          }),
          sessions,
        },
        baseDir,
      );
      if (flags.printConfig) return out(JSON.stringify(nodeConfigJson(config), null, 2));
      const running = await runNode(config);
      const dashboard = config.admin ? `; dashboard ${config.trust.https ? 'https' : 'http'}://${formatAddress(config.admin)}/dashboard/` : '';
      out(`scattercast node ${running.node.self}: ${running.node.sessions.size} session(s)${dashboard}; Ctrl-C to stop`);
      await stopped;
      await running.stop();
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
