/**
 * Three daemons in this process on loopback, placed at a distance by their link emulators: one-way A-B 20 ms,
 * B-C 10 ms, A-C 50 ms. Their probe modules measure round trips of twice that, Gossamer's link costs follow, and the
 * source's tree at A reaches C through B (30 ms) rather than directly (50 ms). A UDP channel from A to B loses what
 * B's emulator drops, counted on /metrics; and the node says in one warn line that it emulates, and whom.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { freePort } from '../../src/net/free-port.ts';
import { getJson } from '../support/get-json.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One-way delays between the nodes, ms, by pair of indices. */
const DELAY: Record<string, number> = { '0-1': 20, '1-2': 10, '0-2': 50 };
const delay = (i: number, j: number): number => DELAY[i < j ? `${i}-${j}` : `${j}-${i}`] as number;
/** Loss of what B receives from A. */
const LOSS_B_FROM_A = 0.1;

interface State {
  address: string;
  probe: Record<string, number | null>;
  sessions: Array<{ name: string; routes: Array<{ source: string; upstream: string | null; costMs: number }> }>;
}

describe('link emulator: daemons placed at a distance on loopback', { timeout: 60_000 }, () => {
  const nodes: RunningNode[] = [];
  const admins: string[] = [];
  const scx: string[] = [];
  let stateDir = '';

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'scattercast-emulator-'));
    for (let i = 0; i < 3; i++) {
      scx.push(`127.0.0.1:${await freePort()}`);
      admins.push(`127.0.0.1:${await freePort()}`);
    }
    const xml = (name: string, transport: string): string =>
      `<SCATTERCAST name="scast://test.scattercast/${name}"><CHANNEL id="1"><TRANSPORT unicast="${transport}"/></CHANNEL><RENDEZVOUS>${scx[0]}</RENDEZVOUS></SCATTERCAST>`;
    for (let i = 0; i < 3; i++) {
      const source = i === 0 ? { source: { channel: 1, packetsPerSecond: 100 } } : {};
      const peers = [0, 1, 2].filter((j) => j !== i).map((j) => ({ peer: scx[j] as string, delayMs: delay(i, j), ...(i === 1 && j === 0 && { loss: LOSS_B_FROM_A }) }));
      const config = nodeConfig(
        {
          listen: scx[i],
          admin: admins[i],
          logLevel: 'error',
          seed: i + 1,
          pingIntervalMs: 200,
          trust: { stateDir },
          sessions: [
            { announcement: xml('tcp', 'tcp'), ...source },
            { announcement: xml('udp', 'udp'), ...source },
          ],
          emulate: { seed: 40 + i, peers },
        },
        process.cwd(),
      );
      nodes.push(await runNode(config));
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  });

  const state = (i: number): Promise<State> => getJson<State>(`http://${admins[i]}/state`, 3000, nodes[i]?.trust.clusterToken);

  it('the measured RTTs are twice the configured one-way delays, and C reaches the source at A through B', async () => {
    const deadline = performance.now() + 20_000;
    let last = '';
    for (;;) {
      const states = await Promise.all([0, 1, 2].map(state));
      const problems: string[] = [];
      for (const [i, s] of states.entries()) {
        for (const j of [0, 1, 2].filter((k) => k !== i)) {
          const rtt = s.probe[scx[j] as string];
          const want = 2 * delay(i, j);
          // Timers fire late, never early by more than the emulator's 1-ms slack per hop; a loaded machine adds a few ms.
          if (rtt === undefined || rtt === null || rtt < want - 2 || rtt > want + 8) problems.push(`rtt ${i}->${j} ${rtt?.toFixed(1)} ms, configured ${want}`);
        }
      }
      const route = states[2]?.sessions.find((x) => x.name.endsWith('/tcp'))?.routes.find((r) => r.source === scx[0]);
      if (!route || route.upstream !== scx[1]) problems.push(`C's upstream for A is ${route?.upstream}, not B`);
      else if (!(route.costMs >= 29 && route.costMs <= 36)) problems.push(`C's route cost ${route.costMs} ms, configured 30`);
      if (problems.length === 0) return;
      last = problems.join('; ');
      assert.ok(performance.now() < deadline, `not there after 20 s: ${last}`);
      await sleep(500);
    }
  });

  it("/metrics names the emulated links and counts B's UDP data lost from A (promtool lints it clean, if installed)", async (t) => {
    await sleep(1000);
    const text = await renderMetrics(nodes[1]!.node);
    const a = scx[0] as string;
    assert.match(text, new RegExp(`scattercast_emulated_link_info\\{peer="${a}",delay_ms="20",jitter_ms="0",loss="${LOSS_B_FROM_A}",rate_kbps="0"\\} 1`));
    const lost = Number(new RegExp(`scattercast_emulated_drops_total\\{peer="${a}",reason="loss"\\} (\\d+)`).exec(text)?.[1]);
    const delayed = Number(new RegExp(`scattercast_emulated_messages_total\\{peer="${a}"\\} (\\d+)`).exec(text)?.[1]);
    assert.ok(lost > 0, 'nothing lost');
    assert.ok(lost / (lost + delayed) < 0.3, `lost ${lost} of ${lost + delayed}: far more than ${LOSS_B_FROM_A}`);
    const promtool = process.env.PROMTOOL ?? '/usr/bin/promtool';
    if (existsSync(promtool)) {
      const lint = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      assert.equal((lint.stdout + lint.stderr).trim(), '', 'promtool lint lines');
    } else t.diagnostic(`no promtool at ${promtool}: lint not checked`);
    const c = await renderMetrics(nodes[2]!.node);
    assert.match(c, /scattercast_emulated_drops_total\{peer="[^"]+",reason="loss"\} 0/);
  });

  it('a node with the emulator on says so in one warn line naming every peer and the seed; off, it says nothing and shows no emulated families', async () => {
    const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
    const start = async (emulate: boolean): Promise<string> => {
      const node = new ScxNode({
        listen: { host: '127.0.0.1', port: await freePort() },
        gossamer: {},
        seed: 1,
        registry: builtinRegistry(),
        log: (level, msg, fields) => lines.push({ level, msg, ...(fields && { fields }) }),
        ...(emulate && { emulate: { seed: 77, maxQueueBytes: 1 << 20, peers: [{ peer: '10.1.1.1:7400', link: { delayMs: 30, jitterMs: 2, loss: 0.01, rateKbps: 10_000 } }], default: { delayMs: 5, jitterMs: 0, loss: 0, rateKbps: 0 } } }),
      });
      await node.start();
      const metrics = await renderMetrics(node);
      await node.stop();
      return metrics;
    };
    assert.doesNotMatch(await start(false), /scattercast_emulated/);
    assert.equal(lines.filter((l) => /emulat/.test(l.msg)).length, 0);
    assert.match(await start(true), /scattercast_emulated_link_info\{peer="default",delay_ms="5"/);
    const said = lines.filter((l) => /emulat/.test(l.msg));
    assert.equal(said.length, 1);
    assert.equal(said[0]?.level, 'warn');
    assert.deepEqual(said[0]?.fields, {
      seed: 77,
      maxQueueBytes: 1 << 20,
      links: { '10.1.1.1:7400': { delayMs: 30, jitterMs: 2, loss: 0.01, rateKbps: 10_000 }, default: { delayMs: 5, jitterMs: 0, loss: 0, rateKbps: 0 } },
    });
  });
});
