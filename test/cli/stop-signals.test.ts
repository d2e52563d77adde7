/**
 * Signal handlers come first: a SIGTERM that a supervisor sends while a command is still starting (here: as soon as
 * the process has a handler, long before its ready line) must not kill it. A command that runs until stopped
 * finishes starting, then stops cleanly with status 0 (the node floods LEAVE and closes); a batch command dies by
 * the signal, as it would have had the signal come a moment later.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { freePort } from '../../src/net/free-port.ts';
import { signalDuringStartup, type EarlySignalResult } from '../support/early-signal.ts';

const NAME = 'scast://test.scattercast/early-signal';
/** The session's source secret at the host (trust.sourceSecrets): `send` presents it as its --token. */
const SECRET = 'early-signal source secret';

/** Exited by itself with status 0, not killed by the signal, which came before the ready line (on stdout or stderr). */
function stoppedCleanly(r: EarlySignalResult, ready: { stdout?: RegExp; stderr?: RegExp }): void {
  const said = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  assert.equal(r.signal, null, `died by ${r.signal}\n${said}`);
  assert.equal(r.status, 0, said);
  const early = 'its first handler came only after its ready line: a SIGTERM any earlier would have killed it';
  if (ready.stdout) assert.doesNotMatch(r.stdoutAtSignal, ready.stdout, early);
  if (ready.stderr) assert.doesNotMatch(r.stderrAtSignal, ready.stderr, early);
}

describe('a SIGTERM during start-up', { timeout: 120_000 }, () => {
  let dir = '';
  let xml = '';
  let frontend = '';
  let host: RunningNode | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-early-signal-'));
    const port = await freePort();
    frontend = `127.0.0.1:${await freePort()}`;
    xml = join(dir, 'session.xml');
    writeFileSync(xml, `<SCATTERCAST name="${NAME}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`);
    host = await runNode(nodeConfig({ listen: `127.0.0.1:${port}`, frontend, logLevel: 'error', seed: 1, trust: { sourceSecrets: [{ session: NAME, secret: SECRET }] } }, dir));
  });

  after(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('node: starts, joins, then leaves (LEAVE) and exits 0, not by the signal', async () => {
    const port = await freePort();
    const own = join(dir, 'own.xml');
    writeFileSync(own, `<SCATTERCAST name="scast://test.scattercast/own"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`);
    const r = await signalDuringStartup(['node', '--listen', `127.0.0.1:${port}`, '--announcement', own, '--source', '1', '--log-level', 'info']);
    stoppedCleanly(r, { stdout: /Ctrl-C to stop/ });
    assert.match(r.stdout, /1 session\(s\)/, 'it finished starting');
    const joined = r.stderr.indexOf('joined session');
    const stopped = r.stderr.indexOf('node stopped');
    assert.ok(joined >= 0 && stopped > joined, `joined, then stopped (leaving every session first):\n${r.stderr}`);
  });

  it('demo: starts, then every node leaves and it exits 0', async () => {
    const r = await signalDuringStartup(['demo', '--clusters', '1', '--nodes', '2', '--dashboard-port', '0']);
    stoppedCleanly(r, { stdout: /Ctrl-C to stop/ });
    assert.match(r.stdout, /stopping: every node leaves the session \(LEAVE\)/);
    assert.match(r.stdout, /stopped; nothing is left running\./);
  });

  it('join: attaches, then closes its channel and exits 0', async () => {
    const r = await signalDuringStartup(['join', frontend, NAME, '--announcement', xml, '--no-multicast']);
    stoppedCleanly(r, { stderr: /receiving/ });
    assert.match(r.stderr, /receiving .* channel 1 from SCX/);
    assert.match(r.stderr, /channel 1: received \d+ packet\(s\)/);
  });

  it('send: attaches, then stops reading, detaches and exits 0', async () => {
    const r = await signalDuringStartup(['send', frontend, NAME, '--channel', '1', '--announcement', xml, '--token', SECRET]);
    stoppedCleanly(r, { stderr: /sending to/ });
    assert.match(r.stderr, /sending to .* channel 1 through SCX/);
    assert.match(r.stderr, /sent 0 packet\(s\) .* \(stopped by SIGTERM\)/);
  });

  it('sim run, a batch job: dies by the signal once it starts, printing nothing', async () => {
    const r = await signalDuringStartup(['sim', 'run', '--routers', '100', '--scx', '10']);
    assert.equal(r.signal, 'SIGTERM', `status ${r.status}\n${r.stderr}`);
    assert.equal(r.stdout, '');
  });
});
