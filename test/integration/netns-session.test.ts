/**
 * A session across real hosts: 12 nodes, each in its own network namespace on one bridge, each a real
 * `scattercast node` process. Node 0 is the rendezvous and runs a test source at 100 packets/s; every node
 * records what it delivers. The phases run in order on the same session:
 * delivery in order with no duplicate or gap; few upstream changes at rest; a gray failure (data cut, control alive);
 * kill -9 of an interior SCX; a clean stop (LEAVE); a partition cut with iptables, then healed. SC_KEEP=1 keeps the
 * logs and records; SC_LOG_LEVEL=info makes the nodes talk.
 */

import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { overlayToken } from '../support/cluster-token.ts';
import { getJson } from '../support/get-json.ts';
import { createLan, type Lan } from '../support/netns.ts';
import { needs } from '../support/prerequisite.ts';
import { readRecords, resumedAfter, type Received } from '../support/records.ts';
import { sequenceDefects } from '../support/sequence.ts';

const N = 12;
const RATE = 100;
/**
 * Bound on repair after kill -9: the broken connection makes neighbours suspect at once (the hint), and the dial of
 * their ping is refused by the dead node's host, so they declare it failed at once; then routes. Measured: 0-0.3 s
 * (no silence over 250 ms below); 2.1-2.9 s with the hint alone (2 s of pings), 4.7-5.6 s without it (3.5 s of
 * silence first). The neighbours' `suspectHints` counters pin the hint, the receivers' routes the repair.
 */
const KILL_REPAIR_BOUND_MS = 4_000;
/** Bound on a clean stop's neighbours dropping it: LEAVE arrives before the node is gone (no detection time). */
const LEAVE_NOTICED_BOUND_MS = 1_500;
/** Bound on repair after a clean stop: LEAVE, then routes re-converge below (MRAI 0.5 s per round) and data links. */
const LEAVE_REPAIR_BOUND_MS = 4_000;
/** Bound from healing a partition to data flowing on the far side again (heartbeat-driven heal). */
const HEAL_BOUND_MS = 20_000;
/**
 * Settling after the first phase, before the rest phase: for ~40 s after start-up the RTTs to the loaded source
 * fall and the optimiser, probing every second until it stops finding gains, still moves nodes next to the source.
 */
const REST_SETTLE_MS = 20_000;
/**
 * How long the session is watched at rest for upstream changes: a minute, so that a node's count is its rate (a 30-s
 * window could only tell 0 from 2 a minute). Measured: up to 28 a minute (7 on average) while every RTT jitter
 * re-optimised the routes; at most 1 with routeSwitchMinGain* and the daemon's link-cost filter.
 */
const REST_WINDOW_MS = 60_000;
/**
 * Most upstream changes per node per minute at rest (each is a make-before-break handover, a gap if it stalls).
 * Measured: at most 1 alone, up to 4 with a second suite running beside this one; 28-55 before route hysteresis.
 * The bound leaves room for a loaded CI machine; the goal of 1 is the chaos bench's to hold.
 */
const REST_CHANGES_PER_MIN = 6;

/** How long an interior SCX's data connections are cut while its control flows (a gray failure), ms. */
const GRAY_MS = 12_000;
/**
 * Bound on the longest silence of a receiver below a gray-failed SCX (goal 3 s): its data connection is reset after
 * 1.2 s without a keepalive, the upstream is routed around at once, then a make-before-break handover.
 */
const GRAY_SILENCE_BOUND_MS = 3_500;
/** Bound from the end of a gray failure to the failed SCX itself receiving again (its upstreams redial), ms. */
const GRAY_RESUME_BOUND_MS = 3_500;

/** Defects in what a node recorded. */
const seqDefects = (rs: readonly Received[]) => sequenceDefects(rs.map((r) => r.seq));

/** The longest time without a packet between wall times `from` and `to`, ms (counting from the last packet before `from`). */
function longestSilence(rs: readonly Received[], from: number, to: number): number {
  let last = rs.filter((r) => r.recvMs <= from).at(-1)?.recvMs ?? from;
  let worst = 0;
  for (const r of rs) {
    if (r.recvMs <= from) continue;
    worst = Math.max(worst, Math.min(r.recvMs, to) - last);
    if (r.recvMs >= to) return worst;
    last = r.recvMs;
  }
  return Math.max(worst, to - last);
}

interface SessionState {
  sessions: Array<{ neighbours: string[]; suspectHints: number; refusedFailures: number; upstreamChanges: number; dataSilentUpstreams: number; routes: Array<{ source: string; upstream: string | null; downstream: string[] }> }>;
}

needs({ netns: true }).describe('a session across 12 network namespaces', { timeout: 300_000 }, () => {
  let lan: Lan;
  let dir: string;
  const procs: ChildProcess[] = [];
  const rec = (i: number): string => join(dir, `rx${i}.jsonl`);
  const addr = (i: number): string => `${lan.ip(i)}:7400`;
  /** The cluster token `/state` asks for: the nodes derive it from the overlay they share with this process. */
  let token = '';
  const state = (i: number): Promise<SessionState> => getJson<SessionState>(`http://${lan.ip(i)}:8400/state`, 2000, token);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const alive = new Set<number>();

  /** Waits until `check` holds, polling, for at most `ms`. */
  async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(250);
    }
    assert.fail(`timed out after ${ms} ms waiting for ${what}`);
  }

  /** Every live receiver delivered a packet in the last second. */
  const allFlowing = (nodes: Iterable<number>): boolean =>
    [...nodes].every((i) => (readRecords(rec(i)).at(-1)?.recvMs ?? 0) > Date.now() - 1000);

  /** Whether each of `nodes` has a path of live nodes to the source, by the upstreams their /state names. */
  async function routedAround(nodes: readonly number[]): Promise<boolean> {
    const upstreamOf = new Map<string, string | null>();
    for (const i of alive) upstreamOf.set(addr(i), (await state(i)).sessions[0]?.routes.find((r) => r.source === addr(0))?.upstream ?? null);
    return nodes.every((i) => {
      let hop = addr(i);
      for (let hops = 0; hops < N; hops++) {
        const up = upstreamOf.get(hop);
        if (up === undefined || up === null) return false;
        if (up === addr(0)) return true;
        hop = up;
      }
      return false;
    });
  }

  /** An SCX other than the source that forwards to others, and the nodes below it. */
  async function interior(): Promise<{ node: number; below: number[] }> {
    const upstreamOf = new Map<number, number | undefined>();
    for (const i of alive) {
      const r = (await state(i)).sessions[0]?.routes.find((x) => x.source === addr(0));
      const up = r?.upstream ?? undefined;
      upstreamOf.set(i, up === undefined ? undefined : [...alive].find((j) => addr(j) === up));
    }
    const below = (k: number): number[] =>
      [...alive].filter((i) => {
        for (let j = upstreamOf.get(i), hops = 0; j !== undefined && hops < N; j = upstreamOf.get(j), hops++) if (j === k) return true;
        return false;
      });
    const candidates = [...alive].filter((i) => i !== 0).map((i) => ({ node: i, below: below(i) }));
    candidates.sort((a, b) => b.below.length - a.below.length);
    return candidates[0] as { node: number; below: number[] };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-netns-'));
    token = overlayToken();
    lan = createLan(N);
    const xml = join(dir, 'session.xml');
    writeFileSync(
      xml,
      `<SCATTERCAST name="scast://test.scattercast/netns">
  <CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL>
  <RENDEZVOUS>${addr(0)}</RENDEZVOUS>
</SCATTERCAST>`,
    );
    const log = createWriteStream(join(dir, 'nodes.log'));
    for (let i = 0; i < N; i++) {
      const args = ['node', 'bin/scattercast.js', 'node', '--listen', addr(i), '--admin', `${lan.ip(i)}:8400`];
      args.push('--announcement', xml, '--record', rec(i), '--seed', String(i + 1), '--log-level', process.env.SC_LOG_LEVEL ?? 'warn');
      if (i === 0) args.push('--source', '1', '--rate', String(RATE));
      procs[i] = lan.spawn(i, args, log);
      alive.add(i);
    }
    await until('every node to receive the stream', 30_000, () => allFlowing(alive));
  });

  after(() => {
    lan?.destroy();
    // SC_KEEP=1 keeps the node logs and records for a post-mortem.
    if (dir && !process.env.SC_KEEP) rmSync(dir, { recursive: true, force: true });
    else if (dir) process.stderr.write(`netns test files kept in ${dir}\n`);
  });

  it('every receiver gets the packets in order, with no duplicate and no gap', async () => {
    await sleep(8000);
    for (let i = 1; i < N; i++) {
      const rs = readRecords(rec(i));
      assert.ok(rs.length > 5 * RATE, `node ${i} delivered only ${rs.length} packets`);
      assert.deepEqual(seqDefects(rs), { duplicates: 0, gaps: 0 }, `node ${i}`);
    }
  });

  it(`at rest each node changes its upstream at most ${REST_CHANGES_PER_MIN} time(s) a minute`, async (t) => {
    const changes = async (): Promise<number[]> =>
      Promise.all([...alive].map(async (i) => {
        const n = (await state(i)).sessions[0]?.upstreamChanges;
        assert.equal(typeof n, 'number', `node ${i}: /state has no upstreamChanges`);
        return n as number;
      }));
    await sleep(REST_SETTLE_MS);
    const before = await changes();
    const at = Date.now();
    await sleep(REST_WINDOW_MS);
    const after = await changes();
    const minutes = (Date.now() - at) / 60_000;
    const perMin = after.map((n, k) => (n - (before[k] as number)) / minutes);
    t.diagnostic(`upstream changes per node per minute at rest: ${perMin.map((r) => r.toFixed(1)).join(', ')} (max ${Math.max(...perMin).toFixed(1)})`);
    for (const [k, i] of [...alive].entries()) {
      assert.ok((perMin[k] as number) <= REST_CHANGES_PER_MIN, `node ${i} changed its upstream ${(perMin[k] as number).toFixed(1)} times a minute at rest`);
    }
  });

  it(`a gray failure of an interior SCX (data cut, control alive): receivers below silent <= ${GRAY_SILENCE_BOUND_MS} ms`, async (t) => {
    const { node, below } = await interior();
    assert.ok(below.length > 0, 'no interior SCX with receivers below it');
    // The watchdog's doing: the gray node routes around its silent upstream, the receivers below around it (whichever
    // acts first moves the tree, so which of them counts it varies).
    const watchdogActs = async (): Promise<number> => {
      let n = 0;
      for (const i of alive) n += (await state(i)).sessions[0]?.dataSilentUpstreams ?? NaN;
      return n;
    };
    const actsBefore = await watchdogActs();
    const at = Date.now();
    lan.cutData(node);
    await sleep(GRAY_MS);
    lan.restoreData(node);
    const endAt = Date.now();
    await until('every receiver to flow again', GRAY_RESUME_BOUND_MS + 5000, () => allFlowing(alive));
    const silences = below.map((i) => longestSilence(readRecords(rec(i)), at, endAt));
    const resumed = (readRecords(rec(node)).find((r) => r.recvMs > endAt)?.recvMs ?? Infinity) - endAt;
    const actsAfter = await watchdogActs();
    t.diagnostic(`gray node ${node} for ${GRAY_MS} ms; longest silence below: ${silences.map((s) => s.toFixed(0)).join(', ')} ms; it receives again ${resumed.toFixed(0)} ms after`);
    assert.ok(actsAfter > actsBefore, `no node routed around a data-silent upstream (${actsBefore} -> ${actsAfter})`);
    for (const [k, i] of below.entries()) assert.ok((silences[k] as number) <= GRAY_SILENCE_BOUND_MS, `node ${i} was silent ${silences[k]} ms`);
    assert.ok(resumed <= GRAY_RESUME_BOUND_MS, `the gray node received again ${resumed} ms after the failure ended`);
    for (const i of alive) assert.equal(seqDefects(readRecords(rec(i))).duplicates, 0, `node ${i} saw a duplicate`);
  });

  it(`after kill -9 of an interior SCX every receiver below it receives again within ${KILL_REPAIR_BOUND_MS} ms`, async (t) => {
    const { node, below } = await interior();
    assert.ok(below.length > 0, 'no interior SCX with receivers below it');
    // Its neighbours, and how many hints each has counted so far.
    const hintsBefore = new Map<number, number>();
    for (const i of alive) {
      const s = (await state(i)).sessions[0];
      if (i !== node && s?.neighbours.includes(addr(node))) hintsBefore.set(i, s.suspectHints);
    }
    assert.ok(hintsBefore.size > 0, `node ${node} has no neighbours`);
    const at = Date.now();
    procs[node]?.kill('SIGKILL');
    alive.delete(node);
    // A repair may leave no silence over 250 ms below: the proof is the routes, as after a clean stop.
    await until('every receiver below to route around the killed node', KILL_REPAIR_BOUND_MS, () => routedAround(below));
    await until('every receiver to receive again', 5000, () => Date.now() - at > 1500 && allFlowing(alive));
    const repairs = below.map((i) => resumedAfter(readRecords(rec(i)), at));
    const repair = Math.max(...repairs);
    t.diagnostic(`killed node ${node} with ${below.length} receivers below it; routed around within ${Date.now() - at} ms; silences below: ${repairs.map((r) => r.toFixed(0)).join(', ')} ms`);
    const refusals = await Promise.all([...hintsBefore.keys()].map(async (i) => (await state(i)).sessions[0]?.refusedFailures ?? 0));
    t.diagnostic(`its neighbours' failures declared on a refused dial: ${refusals.join(', ')}`);
    for (const [i, before] of hintsBefore) {
      const hints = (await state(i)).sessions[0]?.suspectHints;
      assert.equal(typeof hints, 'number', `node ${i}: /state has no suspectHints`);
      assert.ok((hints as number) > before, `neighbour ${i} of the killed node never suspected it on the broken connection (suspectHints ${before} -> ${hints})`);
    }
    for (const i of alive) assert.equal(seqDefects(readRecords(rec(i))).duplicates, 0, `node ${i} saw a duplicate`);
    assert.ok(repair <= KILL_REPAIR_BOUND_MS, `repair took ${repair} ms`);
  });

  it(`a clean stop floods LEAVE: neighbours drop it within ${LEAVE_NOTICED_BOUND_MS} ms, receivers below repair within ${LEAVE_REPAIR_BOUND_MS} ms`, async (t) => {
    const { node, below } = await interior();
    assert.ok(below.length > 0, 'no interior SCX with receivers below it');
    const neighbours = [...alive].filter((i) => i !== node);
    const at = Date.now();
    procs[node]?.kill('SIGTERM');
    alive.delete(node);
    await until(`node ${node} to exit`, 5000, () => procs[node]?.exitCode !== null);
    assert.equal(procs[node]?.exitCode, 0, 'the node did not exit cleanly');
    const stillListed = async (): Promise<boolean> => {
      for (const i of neighbours) if ((await state(i)).sessions[0]?.neighbours.includes(addr(node))) return true;
      return false;
    };
    await until('every node to drop the stopped one', 5000, async () => !(await stillListed()));
    const noticed = Date.now() - at;
    await sleep(LEAVE_REPAIR_BOUND_MS);
    await until('the receivers to flow', 10_000, () => allFlowing(alive));
    const repairs = below.map((i) => resumedAfter(readRecords(rec(i)), at));
    const repair = Math.max(...repairs);
    t.diagnostic(`stopped node ${node} with ${below.length} receivers below it; dropped by all within ${noticed} ms; repairs below: ${repairs.map((r) => r.toFixed(0)).join(', ')} ms`);
    assert.ok(noticed <= LEAVE_NOTICED_BOUND_MS, `neighbours took ${noticed} ms to drop the node: LEAVE was not heard`);
    // LEAVE makes repair fast: receivers below often miss no more than the 250 ms counted as silence, so a repair
    // of 0 ms is no proof that a repair happened (measured: 0, 517, 0, 0 ms and 0, 56 ms at 50 ms silences).
    // The proof: every receiver that was below the stopped node (its path to the source ran through it) now has a
    // path of live nodes to the source, and is receiving along it.
    await until('every receiver below to route around the stopped node', 5000, () => routedAround(below));
    assert.ok(allFlowing(below), 'a receiver below the stopped node is not receiving');
    assert.ok(repair <= LEAVE_REPAIR_BOUND_MS, `repair took ${repair} ms`);
  });

  it(`a partition cut with iptables heals into one mesh, data flowing on both sides, within ${HEAL_BOUND_MS} ms`, async (t) => {
    const nodes = [...alive].sort((a, b) => a - b);
    const sideA = nodes.slice(0, Math.ceil(nodes.length / 2));
    const sideB = nodes.slice(sideA.length);
    lan.partition(sideA, sideB);
    const cutAt = Date.now();
    const split = async (): Promise<boolean> => {
      for (const i of nodes) {
        const same = sideA.includes(i) ? sideA : sideB;
        const ns = (await state(i)).sessions[0]?.neighbours ?? [];
        if (ns.some((n) => !same.some((j) => addr(j) === n))) return false;
      }
      return true;
    };
    await until('the mesh to split in two', 30_000, split);
    await sleep(2000);
    assert.ok(allFlowing(sideA.filter((i) => i !== 0)), 'the source side stopped receiving during the partition');
    lan.heal();
    const healAt = Date.now();
    await until('both sides to receive again', HEAL_BOUND_MS, () => allFlowing(alive));
    await until('one mesh again', 10_000, async () => !(await split()));
    const heal = Math.max(...sideB.map((i) => (readRecords(rec(i)).find((r) => r.recvMs > healAt)?.recvMs ?? Infinity) - healAt));
    t.diagnostic(`cut ${sideA.length}|${sideB.length} for ${((healAt - cutAt) / 1000).toFixed(1)} s; far side receiving again ${heal.toFixed(0)} ms after the heal`);
    assert.ok(heal <= HEAL_BOUND_MS);
    for (const i of alive) assert.equal(seqDefects(readRecords(rec(i))).duplicates, 0, `node ${i} saw a duplicate`);
  });
});
