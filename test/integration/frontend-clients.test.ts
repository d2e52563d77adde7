/**
 * Clients through cluster frontends, on loopback: two nodes, each with its frontend; a sender attaches through
 * one, a receiver through the other (the rendezvous), and the receiver gets the sender's payloads in order. Then
 * the CLI does the same with `scattercast send` and `scattercast join`. The session is signed by its creator, and
 * every sender presents a source token (docs/security.md).
 */

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { attachChannel } from '../../src/client/channel-client.ts';
import { askFrontend } from '../../src/client/frontend-client.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { payloadOf } from '../../src/session/data-header.ts';
import { freePort, freePorts } from '../../src/net/free-port.ts';
import { runCli } from '../support/cli.ts';
import { testCreator } from '../support/creator.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const creator = testCreator();
const NAME = creator.name('frontends');

describe('clients attach through cluster frontends', { timeout: 120_000 }, () => {
  const nodes: RunningNode[] = [];
  const frontends: string[] = [];
  let xml = '';
  let dir = '';
  /** The session's announcement, unsigned, under `name`. */
  let doc: (name: string) => string = () => '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-frontend-'));
    const ports = await freePorts(2);
    doc = (name) => `<SCATTERCAST name="${name}"><CHANNEL id="3"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${ports[1]}</RENDEZVOUS></SCATTERCAST>`;
    xml = creator.sign(doc(NAME));
    for (const [i, port] of ports.entries()) {
      const fe = `127.0.0.1:${await freePort()}`;
      frontends.push(fe);
      nodes.push(await runNode(nodeConfig({ listen: `127.0.0.1:${port}`, frontend: fe, logLevel: 'error', seed: i + 1 }, dir)));
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a receiver at one cluster gets what a sender at another sends, in order', async () => {
    const toSender = await askFrontend(frontends[0] as string, NAME, { announcement: xml });
    const toReceiver = await askFrontend(frontends[1] as string, NAME, { announcement: xml });
    assert.equal(toSender.session, NAME);
    assert.equal(toReceiver.scx, nodes[1]?.node.self);
    assert.deepEqual(toReceiver.channels.map((c) => [c.id, c.transport, c.unicast.protocol]), [[3, 'tcp', 'scattercast-tcp']]);
    const got: number[] = [];
    const receiver = attachChannel(toReceiver, 3, 'receive', (p) => got.push(Buffer.from(payloadOf(p)).readUInt32BE(0)));
    const sender = attachChannel(toSender, 3, 'send', undefined, creator.token(NAME));
    let n = 0;
    const timer = setInterval(() => {
      const b = Buffer.alloc(200);
      b.writeUInt32BE(n++);
      sender.send([b]);
    }, 5);
    const deadline = Date.now() + 20_000;
    while (got.length < 300 && Date.now() < deadline) await sleep(100);
    clearInterval(timer);
    sender.close();
    assert.ok(got.length >= 300, `received only ${got.length} packets`);
    for (let k = 1; k < got.length; k++) assert.equal(got[k], (got[k - 1] as number) + 1, 'out of order or a gap');
    const metrics = await renderMetrics(nodes[1]!.node);
    assert.match(metrics, /scattercast_clients\{role="receive"\} 1/);
    assert.ok(nodes[0]!.node.sessions.size === 1 && nodes[1]!.node.sessions.size === 1, 'each frontend started the SCX');
    receiver.close();
  });

  it('refuses a session whose transport the cluster lacks, naming what it has', async () => {
    const srm = doc('scast://test.scattercast/srm').replace('unicast="tcp"', 'unicast="srm"');
    await assert.rejects(askFrontend(frontends[0] as string, 'scast://test.scattercast/srm', { announcement: srm }), {
      code: 'ERR_TRANSPORT_UNSUPPORTED',
      message: /HTTP 422.*srm.*supported: adu, bulk, forward, layered, pushback, pushback-branch, reliable, rtp, tcp, udp/,
    });
  });

  it('scattercast send and scattercast join carry a file through the clusters', async () => {
    const announcement = join(dir, 'session.xml');
    writeFileSync(announcement, xml);
    const input = Buffer.alloc(500 * 100);
    for (let k = 0; k < 500; k++) input.writeUInt32BE(k, k * 100);
    writeFileSync(join(dir, 'in.bin'), input);
    const out = join(dir, 'out.bin');
    const joined = runCli(['join', frontends[1] as string, NAME, '--announcement', announcement, '--count', '100', '--out', out], 20_000);
    await sleep(1000);
    const sent = runCli(['send', frontends[0] as string, NAME, '--channel', '3', '--announcement', announcement, '--in', join(dir, 'in.bin'), '--chunk', '100', '--rate', '100', '--token', creator.token(NAME)], 20_000);
    const ends = await Promise.all([sent, joined]);
    assert.deepEqual(ends.map((e) => e.status), [0, 0], ends.map((e) => e.stderr).join(''));
    const got = readFileSync(out);
    assert.equal(got.length, 100 * 100);
    const at = input.indexOf(got.subarray(0, 100));
    assert.ok(at >= 0 && at % 100 === 0, 'the first packet received is one the sender sent');
    assert.ok(input.subarray(at, at + got.length).equals(got), 'what join wrote is a contiguous run of what send read');
  });

  it('refuses a tampered signed announcement at the frontend, and a sender without a token at the SCX', async () => {
    const tampered = xml.replace('unicast="tcp"', 'unicast="udp"');
    await assert.rejects(askFrontend(frontends[0] as string, NAME, { announcement: tampered }), { code: 'ERR_ANNOUNCEMENT_SIGNATURE', message: /HTTP 422.*does not verify/ });
    const announcement = join(dir, 'session.xml');
    writeFileSync(announcement, xml);
    writeFileSync(join(dir, 'small.bin'), Buffer.alloc(100 * 100));
    const sent = await runCli(['send', frontends[0] as string, NAME, '--channel', '3', '--announcement', announcement, '--in', join(dir, 'small.bin'), '--chunk', '100', '--rate', '100'], 20_000);
    assert.equal(sent.status, 2, sent.stderr);
    assert.match(sent.stderr, /refused this client as a source \(ERR_SOURCE_NO_CREDENTIAL\)\n$/);
  });

  it('scattercast join --udp hands each payload to a local UDP port, one datagram each (for a player)', async () => {
    const player = createSocket('udp4');
    await new Promise<void>((resolve) => player.bind(0, '127.0.0.1', resolve));
    const got: Buffer[] = [];
    player.on('message', (m) => got.push(m));
    const announcement = join(dir, 'session.xml');
    const port = (player.address() as { port: number }).port;
    const joined = runCli(['join', frontends[1] as string, NAME, '--announcement', announcement, '--count', '20', '--udp', `127.0.0.1:${port}`], 20_000);
    const toSender = await askFrontend(frontends[0] as string, NAME, { announcement: xml });
    const sender = attachChannel(toSender, 3, 'send', undefined, creator.token(NAME));
    let n = 0;
    const timer = setInterval(() => sender.send([Buffer.from(`payload ${n++}`)]), 10);
    const { status } = await joined;
    clearInterval(timer);
    sender.close();
    await sleep(100);
    player.close();
    assert.equal(status, 0);
    assert.equal(got.length, 20);
    const first = Number(/payload (\d+)/.exec(got[0]!.toString())?.[1]);
    assert.deepEqual(got.map((m) => m.toString()), Array.from({ length: 20 }, (_, k) => `payload ${first + k}`));
  });

  it('scattercast join takes every channel of a session by default, one file each, and refuses to mix them on stdout', async () => {
    const two = creator.name('two-channels');
    const twoDoc = creator.sign(`<SCATTERCAST name="${two}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><CHANNEL id="2"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${nodes[1]!.node.self}</RENDEZVOUS></SCATTERCAST>`);
    const announcement = join(dir, 'two.xml');
    writeFileSync(announcement, twoDoc);
    const mixed = await runCli(['join', frontends[1] as string, two, '--announcement', announcement]);
    assert.equal(mixed.status, 2, mixed.stderr);
    assert.match(mixed.stderr, /^scattercast: the session has 2 channels and stdout takes one: .+ \(ERR_USAGE\)\n$/);

    const out = join(dir, 'two.bin');
    const joined = runCli(['join', frontends[1] as string, two, '--announcement', announcement, '--count', '30', '--out', out], 20_000);
    const toSender = await askFrontend(frontends[0] as string, two, { announcement: twoDoc });
    const senders = [1, 2].map((ch) => attachChannel(toSender, ch, 'send', undefined, creator.token(two)));
    let n = 0;
    const timer = setInterval(() => {
      n++;
      senders.forEach((sender, i) => sender.send([Buffer.from(`ch${i + 1} ${n}\n`)]));
    }, 10);
    const { status, stderr: said } = await joined;
    clearInterval(timer);
    senders.forEach((sender) => sender.close());
    assert.equal(status, 0, said);
    for (const ch of [1, 2]) {
      const lines = readFileSync(`${out}.ch${ch}`, 'utf8').trim().split('\n');
      assert.equal(lines.length, 30, `channel ${ch}`);
      assert.ok(lines.every((l) => l.startsWith(`ch${ch} `)), `channel ${ch} holds only its own payloads`);
    }
    assert.match(said, /channel 1: received 30 packet\(s\)/);
    assert.match(said, /channel 2: received 30 packet\(s\)/);
  });
});
