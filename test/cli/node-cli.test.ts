import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nodeConfig, readNodeConfigFile } from '../../src/daemon/node-config.ts';
import { freePort, freePorts } from '../../src/net/free-port.ts';
import { overlayToken, tokenHeaders } from '../support/cluster-token.ts';

const dir = mkdtempSync(join(tmpdir(), 'sc-node-cli-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function scattercast(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/scattercast.js', ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command must refuse with exit 2 and one line naming the error code: no stack trace. */
function refuses(code: string, ...args: string[]): void {
  const r = scattercast('node', ...args);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^scattercast: .+ \\(${code}\\)\\n$`), r.stderr);
}

describe('scattercast node: bad input', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a missing or malformed config file', () => {
    refuses('ERR_CONFIG_INVALID', '--config', join(dir, 'nope.json'));
    refuses('ERR_CONFIG_INVALID', '--config', file('bad.json', '{ "listen": '));
    refuses('ERR_CONFIG_INVALID', '--listen', 'nowhere');
  });

  it('refuses an unknown key or a wrong type in the config file, naming its path', () => {
    refuses('ERR_CONFIG_UNKNOWN_KEY', '--config', file('unknown.json', '{ "listen": "127.0.0.1:1", "lisen": 1 }'));
    refuses('ERR_CONFIG_UNKNOWN_KEY', '--config', file('hysteresis.json', '{ "gossamer": { "hysteresis": 0.9 } }'));
    refuses('ERR_CONFIG_TYPE', '--config', file('gain.json', '{ "gossamer": { "requireRouteGain": "false" } }'));
    refuses('ERR_CONFIG_TYPE', '--config', file('list.json', '[]'));
    assert.match(scattercast('node', '--config', join(dir, 'hysteresis.json')).stderr, /gossamer\.hysteresis/);
    assert.match(scattercast('node', '--config', join(dir, 'gain.json')).stderr, /gossamer\.requireRouteGain must be a boolean/);
  });

  it('--print-config prints the effective config, which the loader accepts back', () => {
    const config = file('print.json', JSON.stringify({ gossamer: { k2: 5 }, sessions: [{ announcement: '<SCATTERCAST name="scast://a/b"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:9</RENDEZVOUS></SCATTERCAST>' }] }));
    const r = scattercast('node', '--config', config, '--listen', '127.0.0.1:7499', '--seed', '4', '--print-config');
    assert.equal(r.status, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { listen: string; seed: number; pingIntervalMs: number; gossamer: { k2: number; probeIntervalMs: number } };
    assert.deepEqual([printed.listen, printed.seed, printed.pingIntervalMs, printed.gossamer.k2, printed.gossamer.probeIntervalMs], ['127.0.0.1:7499', 4, 2000, 5, 1000]);
    const { raw, baseDir } = readNodeConfigFile(file('printed.json', r.stdout));
    assert.deepEqual(JSON.parse(JSON.stringify(nodeConfig(raw, baseDir).gossamer)), printed.gossamer);
    assert.equal(scattercast('node', '--config', join(dir, 'printed.json'), '--print-config').stdout, r.stdout);
  });

  it('refuses hostile or invalid announcements with their codes', () => {
    refuses('ERR_ANNOUNCEMENT_INVALID', '--announcement', file('doctype.xml', '<!DOCTYPE x [<!ENTITY a "b">]><SCATTERCAST/>'));
    refuses('ERR_ANNOUNCEMENT_TOO_LARGE', '--announcement', file('huge.xml', `<SCATTERCAST name="scast://a/b">${' '.repeat(70_000)}</SCATTERCAST>`));
  });

  it('refuses a session whose transport no module serves, naming what this node has', async () => {
    const xml = file('srm.xml', '<SCATTERCAST name="scast://a/b"><CHANNEL id="1"><TRANSPORT unicast="srm"/></CHANNEL><RENDEZVOUS>127.0.0.1:9</RENDEZVOUS></SCATTERCAST>');
    const r = scattercast('node', '--listen', `127.0.0.1:${await freePort()}`, '--announcement', xml);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no service module for transport "srm".*\(ERR_TRANSPORT_UNSUPPORTED\)/);
  });

  it('refuses an address it cannot listen on', () => {
    refuses('ERR_LISTEN_FAILED', '--listen', '192.0.2.1:7400');
  });

  it('--help answers with every flag', () => {
    const r = spawnSync(process.execPath, ['bin/scattercast.js', 'node', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    for (const flag of ['--config', '--listen', '--admin', '--announcement', '--source', '--record']) assert.match(r.stdout, new RegExp(flag));
  });

  it('stops on SIGTERM with status 0', async () => {
    const port = await freePort();
    const xml = file('ok.xml', `<SCATTERCAST name="scast://a/b"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`);
    const child = spawn(process.execPath, ['bin/scattercast.js', 'node', '--listen', `127.0.0.1:${port}`, '--announcement', xml, '--source', '1']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    const deadline = Date.now() + 15000;
    while (!out.includes('Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /1 session\(s\)/);
    child.kill('SIGTERM');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    assert.equal(status, 0);
  });

  it('runs from a config file: a session with a test source and a record file, /metrics and /state served', async () => {
    const [port, admin] = await freePorts(2);
    file('radio.xml', `<SCATTERCAST name="scattercast://example.org/radio"><CHANNEL id="7"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`);
    const config = file(
      'node.json',
      JSON.stringify({
        listen: `127.0.0.1:${port}`,
        admin: `127.0.0.1:${admin}`,
        logLevel: 'warn',
        sessions: [{ announcement: 'radio.xml', source: { channel: 7, packetsPerSecond: 100, payloadBytes: 64 }, record: 'rx.jsonl' }],
      }),
    );
    const child = spawn(process.execPath, ['bin/scattercast.js', 'node', '--config', config]);
    child.stdout.resume();
    child.stderr.resume();
    const rx = join(dir, 'rx.jsonl');
    const deadline = Date.now() + 15000;
    while (!(existsSync(rx) && readFileSync(rx, 'utf8').split('\n').length > 20) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const first = JSON.parse(readFileSync(rx, 'utf8').split('\n')[0] as string) as { ch: number; seq: number; bytes: number };
    assert.deepEqual([first.ch, first.seq, first.bytes], [7, 0, 64]);
    const metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
    assert.match(metrics, /scattercast_channel_delivered_total\{session="scast:\/\/example.org\/radio",channel="7"\} [1-9]/);
    const state = (await (await fetch(`http://127.0.0.1:${admin}/state`, { headers: tokenHeaders(overlayToken()) })).json()) as { sessions: Array<{ name: string; routes: unknown[] }> };
    assert.equal(state.sessions[0]?.name, 'scast://example.org/radio');
    assert.equal(state.sessions[0]?.routes.length, 1, 'the source SCX advertises itself');
    const missing = await fetch(`http://127.0.0.1:${admin}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'ERR_NOT_FOUND');
    child.kill('SIGTERM');
    assert.equal(await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))), 0);
  });
});
