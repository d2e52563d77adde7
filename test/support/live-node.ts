/**
 * One real node in the test's own process on loopback, as the security tests attack it: one session whose
 * rendezvous it is, a test source on channel 1, a legit client receiving that channel, and its admin server.
 */

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { attachChannel, type ChannelAttachment } from '../../src/client/channel-client.ts';
import type { NodeLimits } from '../../src/daemon/limits.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import type { SessionRuntime } from '../../src/daemon/session-runtime.ts';
import { freePorts } from '../../src/net/free-port.ts';
import { ErrorCode, ScError } from '../../src/core/errors.ts';
import { tokenHeaders } from './cluster-token.ts';
import { openSinks, type Sinks } from './raw-peer.ts';
import { watchUncaught, type UncaughtWatch } from './uncaught.ts';

/** How long the legit client may wait for its next packets, ms. */
const FLOW_TIMEOUT_MS = 5000;

/** A node under attack and its legit client. */
export interface LiveNode {
  readonly running: RunningNode;
  /** The node's TCP and UDP port on 127.0.0.1. */
  readonly port: number;
  /** Its admin server's base URL (`http://127.0.0.1:<port>`). */
  readonly admin: string;
  readonly session: SessionRuntime;
  /** Asserts that the node still serves: its /state answers, and the client gets `min` more packets soon. */
  serves(min?: number): Promise<void>;
  /** A /metrics value: the sum of the series of `name` whose labels contain `label`. */
  metric(name: string, label?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the node (probing its peers every `pingIntervalMs`, with `limits` over the defaults) and attaches the
 * client; resolves once packets flow.
 */
export async function startLiveNode(pingIntervalMs: number, limits: Partial<NodeLimits> = {}): Promise<LiveNode> {
  const { running, port, adminPort } = await runOnFreePorts(pingIntervalMs, limits);
  const session = [...running.node.sessions.values()][0] as SessionRuntime;
  let received = 0;
  const client: ChannelAttachment = attachChannel(joinHere(running.node, session.announcement), 1, 'receive', () => void received++);
  const admin = `http://127.0.0.1:${adminPort}`;
  const live: LiveNode = {
    running,
    port,
    admin,
    session,
    async serves(min = 20) {
      const state = await fetch(`${admin}/state`, { headers: tokenHeaders(running.trust.clusterToken), signal: AbortSignal.timeout(FLOW_TIMEOUT_MS) });
      assert.equal(state.status, 200, '/state does not answer');
      assert.equal(((await state.json()) as { address: string }).address, running.node.self);
      const until = received + min;
      const deadline = performance.now() + FLOW_TIMEOUT_MS;
      while (received < until) {
        assert.ok(performance.now() < deadline, `the client got ${received - until + min} of ${min} packets in ${FLOW_TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async metric(name, label = '') {
      const text = await (await fetch(`${admin}/metrics`)).text();
      const lines = text.split('\n').filter((l) => /^[a-z_][a-z0-9_]*/.exec(l)?.[0] === name && l.includes(label));
      return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    },
    async stop() {
      client.close();
      await running.stop();
    },
  };
  await live.serves();
  return live;
}

/** Ports free a moment ago may be taken before the node binds them (another test's outgoing connections): tries. */
const LISTEN_ATTEMPTS = 3;

/** Runs the live node on ports free now, picking others when one was taken in between. */
async function runOnFreePorts(pingIntervalMs: number, limits: Partial<NodeLimits>): Promise<{ running: RunningNode; port: number; adminPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const announcement = `<SCATTERCAST name="scast://security.scattercast/live"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`;
    const sessions = [{ announcement, source: { channel: 1, packetsPerSecond: 100 } }];
    const config = nodeConfig({ listen: `127.0.0.1:${port}`, admin: `127.0.0.1:${adminPort}`, logLevel: 'error', pingIntervalMs, sessions, limits }, process.cwd());
    try {
      return { running: await runNode(config), port, adminPort };
    } catch (err) {
      if (!(err instanceof ScError && err.code === ErrorCode.LISTEN_FAILED) || attempt >= LISTEN_ATTEMPTS) throw err;
    }
  }
}

/** What a describe block attacks: the live node, sinks standing in for the peers it dials, and a watch on uncaught exceptions. */
export interface Attacked {
  readonly live: LiveNode;
  readonly sinks: Sinks;
  readonly uncaught: UncaughtWatch;
}

/** Starts a live node (and `sinks` sinks) before the describe block's tests and stops it after; read the fields inside tests. */
export function attackedNode(pingIntervalMs: number, limits: Partial<NodeLimits> = {}, sinks = 1): Attacked {
  const state: { live?: LiveNode; sinks?: Sinks; uncaught?: UncaughtWatch } = {};
  before(async () => {
    state.uncaught = watchUncaught();
    state.sinks = await openSinks(sinks);
    state.live = await startLiveNode(pingIntervalMs, limits);
  });
  after(async () => {
    await state.live?.stop();
    await state.sinks?.close();
    state.uncaught?.stop();
  });
  return {
    get live() {
      return state.live as LiveNode;
    },
    get sinks() {
      return state.sinks as Sinks;
    },
    get uncaught() {
      return state.uncaught as UncaughtWatch;
    },
  };
}
