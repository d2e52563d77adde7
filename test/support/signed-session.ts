/**
 * Three real secure nodes on loopback sharing one session, as the signed-state tests attack them: A is the rendezvous
 * (so the heartbeat generator) and the source of channel 1, B has a client receiving it, C is a plain member. With
 * degree ⟨1, 2⟩ the mesh is B–A–C: B knows C but is not its neighbour. A malicious member M (a valid credential of
 * the same overlay, under the id of a sink) talks to B over mutual TLS; what reaches B's Gossamer core is recorded,
 * and so is the longest gap B's client saw in the source's stream.
 */

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { attachChannel, type ChannelAttachment } from '../../src/client/channel-client.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import type { SessionRuntime } from '../../src/daemon/session-runtime.ts';
import { defaultStateDir } from '../../src/daemon/trust-config.ts';
import { decodeMessage, encodeMessage } from '../../src/gossamer/wire/codec.ts';
import type { Message } from '../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../src/net/control-frame.ts';
import { freePort, freePorts } from '../../src/net/free-port.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { loadNodeIdentity, type NodeIdentity } from '../../src/trust/node-identity.ts';
import { memoryIdentity } from './identities.ts';
import { defaultOverlay } from './member.ts';
import { openSinks, sendTcpFrames, type Sinks } from './raw-peer.ts';

const NAME = 'scast://security.scattercast/signed';
/** How long the session has to form (B's client flowing, the mesh B–A–C), ms. */
const READY_MS = 15_000;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The session under attack. */
export interface SignedSession {
  readonly a: RunningNode;
  readonly b: RunningNode;
  readonly c: RunningNode;
  /** The session at each node. */
  readonly at: { readonly a: SessionRuntime; readonly b: SessionRuntime; readonly c: SessionRuntime };
  /** The malicious member: its id, a key the overlay credentialed for it, and A's own identity (read from A's state folder). */
  readonly m: string;
  readonly mIdentity: NodeIdentity;
  readonly aIdentity: NodeIdentity;
  /** Sends `messages` to B as M, over mutual TLS, in one control connection. */
  sendToB(messages: readonly (Message | Uint8Array)[]): Promise<void>;
  /** Every message that reached B's core, decoded, with its sender. */
  readonly coreInput: Array<{ readonly from: string; readonly msg: Message }>;
  /** Those from M. */
  fromM(): Message[];
  /** Packets B's client got, and the longest gap between two of them since `resetGap`, ms. */
  readonly received: () => number;
  maxGapMs(): number;
  resetGap(): void;
}

/** Polls `ok` every 50 ms until it holds, or fails with `what` after `ms`. */
export async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    assert.ok(performance.now() < deadline, `${what} within ${ms} ms`);
    await sleep(50);
  }
}

/** Starts the three nodes before the describe block's tests (stopping them after); read the fields inside tests. */
export function signedSession(): SignedSession {
  const state: { s?: SignedSession; stops: Array<() => Promise<void> | void> } = { stops: [] };
  let sinks: Sinks | undefined;
  before(async () => {
    sinks = await openSinks(1);
    const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
    const announcement = `<SCATTERCAST name="${NAME}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${pa}</RENDEZVOUS></SCATTERCAST>`;
    const start = async (port: number, source: boolean): Promise<RunningNode> => {
      const session = { announcement, ...(source && { source: { channel: 1, packetsPerSecond: 100 } }) };
      const running = await runNode(nodeConfig({ listen: `127.0.0.1:${port}`, logLevel: 'error', pingIntervalMs: 500, gossamer: { k1: 1, k2: 2 }, sessions: [session] }, process.cwd()));
      // A test may stop a node itself (its real LEAVE): stop each once.
      let stopped: Promise<void> | undefined;
      const stop = running.stop.bind(running);
      const once = { ...running, stop: () => (stopped ??= stop()) };
      state.stops.unshift(() => once.stop());
      return once;
    };
    const a = await start(pa, true);
    const b = await start(pb, false);
    const c = await start(pc, false);
    const only = (r: RunningNode): SessionRuntime => [...r.node.sessions.values()][0] as SessionRuntime;
    const at = { a: only(a), b: only(b), c: only(c) };
    const arrivals: number[] = [];
    let gapFrom = 0;
    const client: ChannelAttachment = attachChannel(joinHere(b.node, at.b.announcement), 1, 'receive', () => void arrivals.push(performance.now()));
    state.stops.unshift(() => client.close());
    const m = (sinks as Sinks).addresses[0] as string;
    const coreInput: SignedSession['coreInput'] = [];
    const core = at.b.gossamer;
    const handle = core.handleMessage.bind(core);
    core.handleMessage = (now, from, data) => {
      const d = decodeMessage(data);
      if (d.ok) coreInput.push({ from, msg: d.value });
      handle(now, from, data);
    };
    const s: SignedSession = {
      a,
      b,
      c,
      at,
      m,
      mIdentity: memoryIdentity(defaultOverlay(), m),
      aIdentity: loadNodeIdentity(defaultStateDir(), a.node.self, defaultOverlay()),
      async sendToB(messages) {
        const frames = messages.map((x) => gossamerFrame(at.b.id, x instanceof Uint8Array ? x : encodeMessage(x)));
        await sendTcpFrames(pb, [encodeHello({ kind: 'control', from: m }), ...frames], m);
      },
      coreInput,
      fromM: () => coreInput.filter((x) => x.from === m).map((x) => x.msg),
      received: () => arrivals.length,
      maxGapMs() {
        let gap = 0;
        for (let i = 1; i < arrivals.length; i++) if ((arrivals[i] as number) >= gapFrom) gap = Math.max(gap, (arrivals[i] as number) - (arrivals[i - 1] as number));
        return Math.max(gap, performance.now() - (arrivals.at(-1) ?? 0));
      },
      resetGap() {
        gapFrom = performance.now();
      },
    };
    await until(() => arrivals.length > 50, READY_MS, "B's client got no stream");
    await until(() => at.b.gossamer.membership.has(c.node.self) && at.c.gossamer.neighbours.has(a.node.self), READY_MS, 'the mesh B–A–C did not form');
    assert.ok(!at.b.gossamer.neighbours.has(c.node.self), 'B and C are neighbours: the degree did not hold');
    state.s = s;
  });
  after(async () => {
    for (const stop of state.stops) await stop();
    await sinks?.close();
  });
  return new Proxy({} as SignedSession, { get: (_, key) => (state.s as unknown as Record<string | symbol, unknown>)[key] });
}
