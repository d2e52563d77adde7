/**
 * Any outsider could attach to a node as a sender (a client hello with role 'send') and become a source of any
 * session. Now a sender must present a credential (docs/security.md): for a signed session, a source token its
 * creator signed for it, unexpired; for any session, the secret `trust.sourceSecrets` holds for it. This runs a real
 * node on loopback with a signed session, an unsigned one with a secret and an unsigned one without, a receiving
 * client on each; outsiders try to send without a token, with a token for another session, an expired one and one
 * signed by another key: none of their payloads is delivered and each refusal is counted by code; the holders of a
 * valid token and of the secret send, and their payloads are delivered.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { attachChannel, type ChannelAttachment } from '../../src/client/channel-client.ts';
import { attachSender } from '../../src/client/staying-sender.ts';
import { ErrorCode } from '../../src/core/errors.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import type { SessionRuntime } from '../../src/daemon/session-runtime.ts';
import { freePort } from '../../src/net/free-port.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { payloadOf } from '../../src/session/data-header.ts';
import { sessionId } from '../../src/session/name.ts';
import { testCreator } from '../support/creator.ts';
import { sendTcpFrames } from '../support/raw-peer.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const creator = testCreator();
const SIGNED = creator.name('live', 'security');
const WITH_SECRET = 'scast://security.scattercast/with-secret';
const OPEN = 'scast://security.scattercast/unsigned';
const SECRET = 'a secret of at least sixteen bytes';

/** Waits until `done()` holds, failing after `ms`. */
async function until(what: string, ms: number, done: () => boolean): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    assert.ok(performance.now() < deadline, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('an outsider attaching as a source', { timeout: 60_000 }, () => {
  let node: RunningNode;
  let dir = '';
  let port = 0;
  let uncaught: UncaughtWatch;
  const xml = (name: string): string => `<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`;
  /** Payloads each receiving client got, by the source the SCX named (`from@address:port`), per session. */
  const got = new Map<string, string[]>();
  const receivers: ChannelAttachment[] = [];

  const refusedCount = async (code: string): Promise<number> => {
    const line = (await renderMetrics(node.node)).split('\n').find((l) => l.startsWith(`scattercast_sources_refused_total{code="${code}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  const hosted = (name: string): SessionRuntime => [...node.node.sessions.values()].find((s) => s.name === name) as SessionRuntime;
  const answer = (name: string): ReturnType<typeof joinHere> => joinHere(node.node, hosted(name).announcement);
  /** An outsider's raw connection: its hello (with `credential` if given) and three payloads in one write. */
  const outsider = (name: string, from: string, credential?: string): Promise<void> => {
    const hello = encodeHello({ kind: 'client', from, sessionId: sessionId(name), channel: 1, role: 'send', ...(credential !== undefined && { credential }) });
    return sendTcpFrames(port, [hello, Buffer.from(from), Buffer.from(from), Buffer.from(from)]);
  };

  before(async () => {
    uncaught = watchUncaught();
    dir = mkdtempSync(join(tmpdir(), 'sc-outsider-'));
    port = await freePort();
    const sessions = [creator.sign(xml(SIGNED)), xml(WITH_SECRET), xml(OPEN)].map((announcement) => ({ announcement }));
    node = await runNode(
      nodeConfig({ listen: `127.0.0.1:${port}`, logLevel: 'error', sessions, trust: { stateDir: dir, sourceSecrets: [{ session: WITH_SECRET, secret: SECRET }] } }, dir),
    );
    for (const name of [SIGNED, WITH_SECRET, OPEN]) {
      const list: string[] = [];
      got.set(name, list);
      receivers.push(attachChannel(answer(name), 1, 'receive', (p) => list.push(`${p.header.source} ${Buffer.from(payloadOf(p)).toString()}`)));
    }
    await sleep(200);
  });

  after(async () => {
    for (const r of receivers) r.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
    uncaught.stop();
  });

  it('is refused without a valid token, counted by code, and none of its payloads is delivered', async () => {
    const other = testCreator();
    const attempts: [string, string | undefined, string][] = [
      ['outsider-none', undefined, ErrorCode.SOURCE_NO_CREDENTIAL],
      ['outsider-other-session', creator.token(creator.name('other', 'security')), ErrorCode.SOURCE_TOKEN_SESSION],
      ['outsider-expired', creator.token(SIGNED, -1), ErrorCode.SOURCE_TOKEN_EXPIRED],
      ['outsider-other-key', other.token(SIGNED), ErrorCode.SOURCE_CREDENTIAL_INVALID],
      ['outsider-secret-guess', SECRET, ErrorCode.SOURCE_CREDENTIAL_INVALID],
    ];
    for (const [from, credential, code] of attempts) {
      const before = await refusedCount(code);
      await outsider(SIGNED, from, credential);
      assert.equal(await refusedCount(code), before + 1, `${from}: ${code} counted`);
    }
    const unsigned = await refusedCount(ErrorCode.SOURCE_UNSIGNED_SESSION);
    await outsider(OPEN, 'outsider-unsigned', SECRET);
    assert.equal(await refusedCount(ErrorCode.SOURCE_UNSIGNED_SESSION), unsigned + 1, 'an unsigned session without a secret takes no sender');
    const wrong = await refusedCount(ErrorCode.SOURCE_CREDENTIAL_INVALID);
    await outsider(WITH_SECRET, 'outsider-wrong-secret', `${SECRET}?`);
    assert.equal(await refusedCount(ErrorCode.SOURCE_CREDENTIAL_INVALID), wrong + 1);
    assert.equal(node.node.clients.senderCount, 0);
    assert.equal([...node.node.sessions.values()].filter((s) => s.gossamer.routes.isSource).length, 0, 'no SCX became a source');
  });

  it('tells a refused client why: the library gets the code, a staying sender throws it', async () => {
    const bare = attachChannel(answer(SIGNED), 1, 'send');
    assert.match(await bare.closed, /refused as a source: ERR_SOURCE_NO_CREDENTIAL/);
    assert.equal(bare.refusal, ErrorCode.SOURCE_NO_CREDENTIAL);
    const expired = await attachSender('127.0.0.1:1', SIGNED, { announcement: '' }, 1, { answer: answer(SIGNED), credential: creator.token(SIGNED, -5) });
    await sleep(300);
    await assert.rejects(expired.send([Buffer.from('late')]), { code: ErrorCode.SOURCE_TOKEN_EXPIRED });
    expired.close();
  });

  it('takes the holders of a valid token and of the secret, and delivers their payloads only', async () => {
    const token = attachChannel(answer(SIGNED), 1, 'send', undefined, creator.token(SIGNED, 60));
    const secret = attachChannel(answer(WITH_SECRET), 1, 'send', undefined, SECRET);
    const timer = setInterval(() => {
      token.send([Buffer.from('token-holder')]);
      secret.send([Buffer.from('secret-holder')]);
    }, 10);
    try {
      await until('the valid senders’ payloads', 10_000, () => got.get(SIGNED)!.length >= 20 && got.get(WITH_SECRET)!.length >= 20);
    } finally {
      clearInterval(timer);
      token.close();
      secret.close();
    }
    assert.equal(token.refusal, undefined);
    for (const [name, list] of got) {
      assert.deepEqual(list.filter((l) => l.includes('outsider')), [], `${name}: an outsider's payload was delivered`);
    }
    assert.ok(got.get(SIGNED)!.every((l) => l.endsWith(' token-holder')));
    assert.ok(got.get(WITH_SECRET)!.every((l) => l.endsWith(' secret-holder')));
    assert.deepEqual(got.get(OPEN), []);
    assert.deepEqual(uncaught.errors, []);
    assert.ok(hosted(SIGNED).announcement.creator, 'the node hosts the signed announcement, its CREATOR kept');
  });
});
