/**
 * The "suspect at once on a broken connection" hint, on loopback: three nodes in one session, the third a real
 * `scattercast node` process killed with kill -9. Its control connections break, so each survivor's driver calls
 * `GossamerNode.suspect` and counts it (`suspectHints` of the session in `/state`), and the survivors drop it after
 * `suspicionMs` of pings instead of `neighbourTimeoutMs` of silence plus `suspicionMs`.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_GOSSAMER_CONFIG as DEFAULTS } from '../../src/gossamer/config.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';
import { tokenHeaders } from '../support/cluster-token.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Bound from the kill to both survivors dropping the killed node. With the hint: suspicionMs (2 s) plus up to one
 * liveness tick (1 s); measured 2.3-2.5 s. Without it the survivors first wait out neighbourTimeoutMs (3.5 s) of
 * silence, less the age of the last message heard (about a keepalive interval, 1 s), then suspicionMs: measured
 * 4.4-5.4 s. The bound, 4 s, sits between the two, with more room on the side that load slows down.
 */
const DROP_BOUND_MS = DEFAULTS.suspicionMs + 2 * DEFAULTS.keepaliveIntervalMs;

interface SessionState {
  sessions: Array<{ name: string; neighbours: string[]; suspectHints: number }>;
}

describe('kill -9 of a peer on loopback: the broken connection makes its neighbours suspect it at once', { timeout: 60_000 }, () => {
  let dir = '';
  const survivors: RunningNode[] = [];
  const admins: string[] = [];
  let victim: ChildProcess | undefined;
  let victimAt = '';

  const session = async (i: number): Promise<SessionState['sessions'][number]> => {
    const headers = tokenHeaders(survivors[i]!.trust.clusterToken);
    const state = (await (await fetch(`http://${admins[i]}/state`, { headers, signal: AbortSignal.timeout(2000) })).json()) as SessionState;
    assert.equal(state.sessions.length, 1, `node ${i} hosts one session`);
    return state.sessions[0]!;
  };

  async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
      await sleep(50);
    }
    return Date.now() - start;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-hint-'));
    const at = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    victimAt = `127.0.0.1:${await freePort()}`;
    const xml = `<SCATTERCAST name="scast://test.scattercast/hint"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${at[0]}</RENDEZVOUS></SCATTERCAST>`;
    for (const [i, listen] of at.entries()) {
      const admin = `127.0.0.1:${await freePort()}`;
      admins.push(admin);
      survivors.push(await runNode(nodeConfig({ listen, admin, logLevel: 'error', seed: i + 1, sessions: [{ announcement: xml }] }, dir)));
    }
    const file = join(dir, 'victim.json');
    writeFileSync(file, JSON.stringify({ listen: victimAt, logLevel: 'error', seed: 3, sessions: [{ announcement: xml }] }));
    victim = spawn(process.execPath, ['bin/scattercast.js', 'node', '--config', file], { stdio: 'ignore' });
  });

  after(async () => {
    victim?.kill('SIGKILL');
    await Promise.all(survivors.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`both survivors count a hint and drop the killed node within ${DROP_BOUND_MS} ms`, async (t) => {
    const listed = async (): Promise<boolean[]> => Promise.all([0, 1].map(async (i) => (await session(i)).neighbours.includes(victimAt)));
    await until('both survivors to have the victim as a neighbour', 30_000, async () => (await listed()).every(Boolean));
    // A hint is counted only for a neighbour not already suspected: the mesh is quiet, so none is.
    await sleep(1500);
    const hintsBefore = await Promise.all([0, 1].map(async (i) => (await session(i)).suspectHints));
    const killedAt = Date.now();
    victim?.kill('SIGKILL');
    const dropped = await until('both survivors to drop the victim', 15_000, async () => !(await listed()).some(Boolean));
    const hintsAfter = await Promise.all([0, 1].map(async (i) => (await session(i)).suspectHints));
    t.diagnostic(`dropped ${Date.now() - killedAt} ms after the kill (polled: ${dropped} ms); suspectHints ${hintsBefore.join(',')} -> ${hintsAfter.join(',')}`);
    for (const i of [0, 1]) {
      assert.equal(typeof hintsAfter[i], 'number', `node ${i}: /state has no suspectHints`);
      assert.ok((hintsAfter[i] as number) > (hintsBefore[i] as number), `node ${i}: the broken connection did not make it suspect the victim (suspectHints ${hintsBefore[i]} -> ${hintsAfter[i]})`);
    }
    assert.ok(dropped <= DROP_BOUND_MS, `the survivors took ${dropped} ms to drop the victim: the hint did not shorten detection`);
  });
});
