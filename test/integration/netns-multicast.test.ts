/**
 * Local multicast first, unicast if that fails (paper 3.4), across network namespaces: a node serves a session
 * (with a test source) and its frontend on one host; a client on a second host hears the channel's group; a client
 * on a third host, whose firewall drops the group's traffic, falls back to unicast. Both receive the stream.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createLan, type Lan } from '../support/netns.ts';
import { needs } from '../support/prerequisite.ts';

const NAME = 'scast://test.scattercast/multicast';
const PAYLOAD = 100;

needs({ netns: true }).describe('multicast first, then unicast, across network namespaces', { timeout: 90_000 }, () => {
  let lan: Lan;
  let dir: string;
  let xml: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-mcast-'));
    lan = createLan(3);
    xml = join(dir, 'session.xml');
    writeFileSync(xml, `<SCATTERCAST name="${NAME}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${lan.ip(0)}:7400</RENDEZVOUS></SCATTERCAST>`);
    const node = lan.spawn(0, ['node', 'bin/scattercast.js', 'node', '--listen', `${lan.ip(0)}:7400`, '--frontend', `${lan.ip(0)}:8080`,
      '--multicast-interface', lan.ip(0), '--announcement', xml, '--source', '1', '--rate', '100', '--log-level', 'warn'], undefined);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const up = await fetch(`http://${lan.ip(0)}:8080/v1/health`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(node.exitCode, null, 'the node exited');
  });

  after(() => {
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `scattercast join` on host i for 50 packets; resolves with what it said and what it wrote. */
  async function joinFrom(i: number): Promise<{ said: string; got: Buffer; status: number | null }> {
    const out = join(dir, `out${i}.bin`);
    const child = lan.spawn(i, ['node', 'bin/scattercast.js', 'join', `${lan.ip(0)}:8080`, NAME, '--announcement', xml,
      '--interface', lan.ip(i), '--multicast-wait', '1500', '--count', '50', '--out', out], undefined);
    let said = '';
    child.stderr?.removeAllListeners('data');
    child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    clearTimeout(timer);
    return { said, got: readFileSync(out), status };
  }

  /** The test source's payloads carry their count in the first 4 bytes: they must run on by one. */
  function assertInOrder(got: Buffer): void {
    assert.equal(got.length, 50 * PAYLOAD);
    for (let k = 1; k < 50; k++) assert.equal(got.readUInt32BE(k * PAYLOAD), got.readUInt32BE((k - 1) * PAYLOAD) + 1);
  }

  it('a client where multicast works receives on the group', async () => {
    const r = await joinFrom(1);
    assert.equal(r.status, 0, r.said);
    assert.match(r.said, / over multicast group 239\.255\.\d+\.\d+:7500/, r.said);
    assertInOrder(r.got);
  });

  it('a client whose firewall drops the group falls back to unicast and receives', async () => {
    lan.exec(2, ['iptables', '-A', 'INPUT', '-d', '239.255.0.0/16', '-j', 'DROP']);
    const r = await joinFrom(2);
    assert.equal(r.status, 0, r.said);
    assert.match(r.said, / over unicast/, r.said);
    assertInOrder(r.got);
  });
});
