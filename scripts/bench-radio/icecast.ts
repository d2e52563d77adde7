/**
 * icecast2 (Debian 2.4.4) under test, with a config of the bench's own in a temporary folder. It refuses to run
 * as root, so it runs as the `icecast2` user through runuser; runuser's PAM session sets the soft fd limit back to
 * 1024, so the limit is raised (to the hard limit) by a shell inside, just before `exec icecast2`.
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, spawnTracked, stopChild } from '../bench-dataplane/procs.ts';
import { processTree, signalTree } from './proc-tree.ts';
import { MOUNT, SOURCE_PASSWORD, waitHttpOk, type RadioServer } from './server.ts';

/** Limits of the bench's icecast2, as the issue sets them for both servers. */
export interface IcecastLimits {
  /** Most clients (listeners and sources). */
  readonly clients: number;
  /** Bytes a new listener gets at once. */
  readonly burstBytes: number;
  /** Bytes a listener may fall behind before it is cut. */
  readonly queueBytes: number;
}

/** The config file: one listen socket on loopback, paths under /usr/share/icecast2, logs in `logDir`. */
export function icecastConfig(port: number, logDir: string, l: IcecastLimits): string {
  return `<icecast>
  <location>bench</location>
  <admin>bench@localhost</admin>
  <hostname>127.0.0.1</hostname>
  <limits>
    <clients>${l.clients}</clients>
    <sources>2</sources>
    <queue-size>${l.queueBytes}</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>${l.burstBytes}</burst-size>
  </limits>
  <authentication>
    <source-password>${SOURCE_PASSWORD}</source-password>
    <admin-user>admin</admin-user>
    <admin-password>${SOURCE_PASSWORD}</admin-password>
  </authentication>
  <listen-socket>
    <port>${port}</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${logDir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>
  </security>
</icecast>
`;
}

/** Starts icecast2 on 127.0.0.1:`port`; resolves once /status-json.xsl answers (bounded to 15 s). */
export async function startIcecast(port: number, limits: IcecastLimits): Promise<RadioServer> {
  const uid = Number(execFileSync('id', ['-u', 'icecast2'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'icecast2'], { encoding: 'utf8' }).trim());
  const dir = mkdtempSync(join(tmpdir(), 'bench-radio-icecast-'));
  chmodSync(dir, 0o755);
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  chownSync(logDir, uid, gid);
  const config = join(dir, 'icecast.xml');
  writeFileSync(config, icecastConfig(port, logDir, limits), { mode: 0o644 });
  const child = spawnTracked('runuser', ['-u', 'icecast2', '--', 'bash', '-c', 'ulimit -n hard && exec icecast2 -c "$0"', config], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const root = child.pid as number;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const tree = processTree(root);
      signalTree(tree, 'SIGTERM');
      await stopChild(child, 3000);
      signalTree(tree, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      unregister();
    })());
  const unregister = onCleanup(stop);
  const errorLog = (): string => {
    try {
      return readFileSync(join(logDir, 'error.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no error.log)';
    }
  };
  try {
    await waitHttpOk(`http://127.0.0.1:${port}/status-json.xsl`, 15_000, child, errorLog);
  } catch (err) {
    await stop();
    throw err;
  }
  const endpoint = { host: '127.0.0.1', port, mount: MOUNT };
  return { name: 'icecast', ingest: endpoint, endpoints: [endpoint], pids: () => [processTree(root)], stop };
}
