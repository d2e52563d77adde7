/**
 * Prometheus's own linter on a live node's `/metrics`: three nodes on loopback in this process (a cluster of two
 * behind a frontend, so the cluster families are there too; a forward and a reliable channel, so module counters
 * are), each scraped over HTTP and fed to `promtool check metrics` (Debian package `prometheus`). It must exit 0
 * and print no lint line. Without promtool the test is skipped with the reason, except under CI=true, where it
 * fails: CI installs it (.ci/run).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';
import { needs } from '../support/prerequisite.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The promtool to run, or why there is none. */
function findPromtool(): { path: string } | { missing: string } {
  for (const path of [process.env.PROMTOOL, 'promtool', '/usr/bin/promtool'].filter((p): p is string => !!p)) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { path };
  }
  return { missing: 'promtool not found (apt-get install prometheus, or set PROMTOOL)' };
}

const promtool = findPromtool();

needs({ unavailable: 'missing' in promtool ? promtool.missing : undefined }).describe('/metrics on a live node', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];
  const admins: string[] = [];

  before(async () => {
    const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const scx = ports.slice(0, 3).map((p) => `127.0.0.1:${p}`);
    admins.push(...ports.slice(3).map((p) => `127.0.0.1:${p}`));
    const frontend = `127.0.0.1:${await freePort()}`;
    const cluster = { name: 'lint', members: [0, 1].map((i) => ({ scx: scx[i] as string, admin: admins[i] as string })) };
    const xml =
      `<SCATTERCAST name="scast://test.scattercast/lint"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL>` +
      `<CHANNEL id="2"><TRANSPORT unicast="reliable"/></CHANNEL><RENDEZVOUS>${scx[0]}</RENDEZVOUS></SCATTERCAST>`;
    for (let i = 0; i < 3; i++) {
      const source = i < 2 ? { source: { channel: i + 1, packetsPerSecond: 200 } } : {};
      const config = nodeConfig(
        {
          listen: scx[i],
          admin: admins[i],
          logLevel: 'error',
          seed: i + 1,
          ...(i < 2 && { cluster }),
          ...(i === 0 && { frontend }),
          sessions: [{ announcement: xml, ...source }],
        },
        process.cwd(),
      );
      nodes.push(await runNode(config));
    }
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !nodes.slice(1).every((n) => [...n.node.sessions.values()].some((s) => (s.channels.get(1)?.runtime.stats.packetsIn ?? 0) > 50))) {
      await sleep(200);
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('passes `promtool check metrics` with no lint line on every node', async () => {
    if ('missing' in promtool) assert.fail(`CI=true and ${promtool.missing}: CI must install the Debian package prometheus`);
    const tool = promtool.path;
    for (const [i, admin] of admins.entries()) {
      const res = await fetch(`http://${admin}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const families = ['scattercast_sessions', 'scattercast_probe_rtt_seconds', 'scattercast_relay_delay_seconds', 'scattercast_probe_rtt_sample_seconds'];
      for (const family of [...families, 'nodejs_eventloop_lag_seconds', 'process_cpu_seconds_total']) {
        assert.ok(text.includes(`# TYPE ${family} `), `node ${i}: no ${family}`);
      }
      if (i === 0) assert.ok(text.includes('# TYPE scattercast_cluster_member_healthy gauge'), 'the frontend node shows its cluster');
      if (i === 0) assert.match(text, /scattercast_module_events_total\{[^}]*counter="retransmissions"\}/);
      const lint = spawnSync(tool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const said = `${lint.stdout}${lint.stderr}`.trim();
      assert.equal(said, '', `node ${i}: promtool says:\n${said}`);
      assert.equal(lint.status, 0, `node ${i}: promtool exit status ${lint.status}`);
    }
  });
});
