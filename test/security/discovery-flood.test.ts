/**
 * A stranger's DISCOVERY naming 10,000 invented members, over a raw control connection to a live node. It used
 * to learn them all and ping every one each probe round, and dial them. Now it learns at most
 * discoveryMembersPerAnswer new members from one list (the rest refused and counted), and a ping to an address
 * that never answered spends the node's budget of unproven contacts, so the invented members get a few pings a
 * second; the node serves on.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_GOSSAMER_CONFIG } from '../../src/gossamer/config.ts';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MessageType } from '../../src/gossamer/wire/messages.ts';
import { DEFAULT_NODE_LIMITS } from '../../src/daemon/limits.ts';
import { gossamerFrame } from '../../src/net/control-frame.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { startLiveNode, type LiveNode } from '../support/live-node.ts';
import { openLoopbackSink, type LoopbackSink } from '../support/loopback-sink.ts';
import { sendTcpFrames } from '../support/raw-peer.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

/** The probe module's interval here, ms: many rounds pass while the test waits. */
const PING_INTERVAL_MS = 100;
/** Invented members, and how many one DISCOVERY names (the wire allows 1024). */
const INVENTED = 10_000;
const PER_MESSAGE = 1000;
/** How long the node has to contact them, ms. */
const WATCH_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a DISCOVERY naming 10,000 invented members', { timeout: 60_000 }, () => {
  let live: LiveNode;
  let sink: LoopbackSink;
  let uncaught: UncaughtWatch;

  before(async () => {
    uncaught = watchUncaught();
    sink = await openLoopbackSink();
    live = await startLiveNode(PING_INTERVAL_MS);
  });

  // What `before` started, even when it failed half way (a handle left open would keep the file from ending).
  after(async () => {
    sink?.close();
    uncaught?.stop();
    await live?.stop();
  });

  it('adds a bounded number of members, pings them within the unproven-contact budget, and the node serves on', async (t) => {
    const { id } = live.session;
    const frames: Uint8Array[] = [encodeHello({ kind: 'control', from: sink.peer(INVENTED) })];
    for (let first = 0; first < INVENTED; first += PER_MESSAGE) {
      const known = Array.from({ length: PER_MESSAGE }, (_, i) => sink.peer(first + i));
      frames.push(gossamerFrame(id, encodeMessage({ type: MessageType.DISCOVERY, known, digest: new Uint8Array() })));
    }
    const startedAt = performance.now();
    await sendTcpFrames(live.port, frames, sink.peer(INVENTED));
    await sleep(WATCH_MS);
    const pings = sink.datagrams;
    const elapsedS = (performance.now() - startedAt) / 1000;

    const perAnswer = DEFAULT_GOSSAMER_CONFIG.discoveryMembersPerAnswer;
    const messages = INVENTED / PER_MESSAGE;
    const members = live.session.gossamer.membership.size;
    t.diagnostic(`${members} members, ${pings} pings to invented members in ${elapsedS.toFixed(1)} s`);
    assert.ok(members <= messages * perAnswer + 1, `${members} members after ${messages} lists of ${PER_MESSAGE}`);
    assert.equal(await live.metric('scattercast_members_refused_total', 'reason="answer"'), INVENTED - messages * perAnswer);
    // A token bucket of perSecond tokens (bursts of perSecond) allows at most perSecond x (1 + elapsed s) contacts.
    const budget = DEFAULT_NODE_LIMITS.unprovenDialsPerSecond * (1 + elapsedS);
    assert.ok(pings >= 1, 'no ping reached the invented members: the test sees nothing');
    assert.ok(pings <= budget, `${pings} pings to invented members in ${elapsedS.toFixed(1)} s, over the budget of ${budget.toFixed(0)}`);
    assert.ok((await live.metric('scattercast_unproven_contacts_refused_total')) > members, 'the refused contacts were not counted');
    await live.serves();
    assert.equal(await live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(uncaught.errors, []);
  });
});
