import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DAEMON_GOSSAMER_DEFAULTS, nodeConfig, nodeConfigJson, readNodeConfigFile, type RawNodeConfig } from '../../src/daemon/node-config.ts';
import { DEFAULT_GOSSAMER_CONFIG } from '../../src/gossamer/config.ts';
import { PROFILES } from '../../src/gossamer/profiles.ts';

const base = { listen: '127.0.0.1:7401', admin: '127.0.0.1:8401' };
const members = [
  { scx: '127.0.0.1:7401', admin: '127.0.0.1:8401' },
  { scx: '127.0.0.1:7402', admin: '127.0.0.1:8402' },
];

describe('node config: the cluster field', () => {
  it('takes a name, members and a prober', () => {
    const c = nodeConfig({ ...base, cluster: { name: 'west', members, prober: '127.0.0.1:8401' } }, '/');
    assert.deepEqual(c.cluster, { name: 'west', members, prober: '127.0.0.1:8401' });
    assert.deepEqual(nodeConfig({ ...base, cluster: { name: 'solo' } }, '/').cluster, { name: 'solo', members: [] });
    assert.equal(nodeConfig(base, '/').cluster, undefined);
  });

  it('refuses malformed clusters with a stable code and a message naming the field', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      ['west', 'ERR_CONFIG_TYPE', /config key cluster must be an object/],
      [{ members }, 'ERR_CONFIG_INVALID', /cluster\.name/],
      [{ name: 'a b' }, 'ERR_CONFIG_INVALID', /cluster\.name/],
      [{ name: 'w', members: 'x' }, 'ERR_CONFIG_TYPE', /cluster\.members must be a list/],
      [{ name: 'w', members: [{ scx: '127.0.0.1:1' }] }, 'ERR_CONFIG_INVALID', /cluster\.members\[0\]/],
      [{ name: 'w', members: [{ scx: 'nowhere', admin: '127.0.0.1:1' }] }, 'ERR_CONFIG_INVALID', /not an address/],
      [{ name: 'w', members: [members[0], members[0]] }, 'ERR_CONFIG_INVALID', /twice/],
      [{ name: 'w', prober: 5 }, 'ERR_CONFIG_TYPE', /cluster\.prober/],
      [{ name: 'w', probe: 'x' }, 'ERR_CONFIG_UNKNOWN_KEY', /unknown config key cluster\.probe/],
    ];
    for (const [cluster, code, message] of cases) {
      assert.throws(() => nodeConfig({ ...base, cluster }, '/'), (err: Error & { code?: string }) => err.code === code && message.test(err.message), JSON.stringify(cluster));
    }
  });
});

const dir = mkdtempSync(join(tmpdir(), 'sc-node-config-'));
const xml = '<SCATTERCAST name="scast://example.org/radio"><CHANNEL id="7"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:7401</RENDEZVOUS></SCATTERCAST>';
writeFileSync(join(dir, 'radio.xml'), xml);

/** Writes `config` as a file and loads it as the command does. */
function load(config: unknown): ReturnType<typeof nodeConfig> {
  const path = join(dir, 'node.json');
  writeFileSync(path, JSON.stringify(config));
  const { raw, baseDir } = readNodeConfigFile(path);
  return nodeConfig(raw, baseDir);
}

/** Loading must throw this code, naming this path in the error's `path` and its message. */
function refused(config: unknown, code: string, path: string): void {
  assert.throws(() => load(config), (err: Error & { code?: string; path?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.equal(err.path, path, err.message);
    assert.ok(err.message.includes(path), err.message);
    return true;
  });
}

describe('node config: keys and types are checked at load, with their paths', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a valid file with every field, and fills in the defaults', () => {
    const c = load({
      ...base,
      advertise: '10.0.0.1:7401',
      frontend: '127.0.0.1:8001',
      allowPrivateUrls: true,
      multicast: { interface: '10.0.0.1', port: 7600, ttl: 2 },
      profile: 'paper',
      gossamer: { hysteresisPerSource: 0.3, requireRouteGain: true },
      pingIntervalMs: 500,
      seed: 9,
      logLevel: 'warn',
      modules: ['mod.mjs'],
      sessions: [{ announcement: 'radio.xml', source: { channel: 7, packetsPerSecond: 10, payloadBytes: 64, count: 5 }, record: 'rx.jsonl' }, { announcement: xml }],
      cluster: { name: 'west', members, prober: '127.0.0.1:8401' },
    });
    assert.deepEqual(c.gossamer, { ...DEFAULT_GOSSAMER_CONFIG, ...DAEMON_GOSSAMER_DEFAULTS, ...PROFILES.paper, hysteresisPerSource: 0.3, requireRouteGain: true });
    assert.deepEqual([c.pingIntervalMs, c.seed, c.logLevel, c.modules, c.sessions[0]?.record], [500, 9, 'warn', [join(dir, 'mod.mjs')], join(dir, 'rx.jsonl')]);
    const d = load(base);
    assert.deepEqual(d.gossamer, { ...DEFAULT_GOSSAMER_CONFIG, ...DAEMON_GOSSAMER_DEFAULTS, ...PROFILES.tuned });
    assert.deepEqual([d.profile, d.pingIntervalMs, d.seed, d.logLevel, d.allowPrivateUrls, d.modules, d.sessions], ['tuned', 2000, 1, 'info', false, [], []]);
  });

  it('refuses an unknown key with its path (ERR_CONFIG_UNKNOWN_KEY)', () => {
    refused({ ...base, lisen: '127.0.0.1:1' }, 'ERR_CONFIG_UNKNOWN_KEY', 'lisen');
    refused({ ...base, gossamer: { hysteresis: 0.9 } }, 'ERR_CONFIG_UNKNOWN_KEY', 'gossamer.hysteresis');
    refused({ ...base, probeIntervalMs: 2000 }, 'ERR_CONFIG_UNKNOWN_KEY', 'probeIntervalMs');
  });

  it('refuses a wrong type with its path (ERR_CONFIG_TYPE)', () => {
    refused({ ...base, gossamer: { requireRouteGain: 'false' } }, 'ERR_CONFIG_TYPE', 'gossamer.requireRouteGain');
    refused({ ...base, seed: '1' }, 'ERR_CONFIG_TYPE', 'seed');
    refused({ ...base, admin: 8401 }, 'ERR_CONFIG_TYPE', 'admin');
    refused({ ...base, gossamer: [] }, 'ERR_CONFIG_TYPE', 'gossamer');
    refused([base], 'ERR_CONFIG_TYPE', '');
  });

  it('names nested paths, through lists and objects', () => {
    refused({ ...base, sessions: [{ announcement: xml }, { announcement: xml, source: { channel: 7, rate: 5 } }] }, 'ERR_CONFIG_UNKNOWN_KEY', 'sessions[1].source.rate');
    refused({ ...base, sessions: [{ announcement: xml, source: { channel: '7' } }] }, 'ERR_CONFIG_TYPE', 'sessions[0].source.channel');
    refused({ ...base, cluster: { name: 'w', members: [members[0], { scx: '127.0.0.1:7402', admin: null }] } }, 'ERR_CONFIG_TYPE', 'cluster.members[1].admin');
    refused({ ...base, multicast: { interface: '10.0.0.1', port: '7500' } }, 'ERR_CONFIG_TYPE', 'multicast.port');
    refused({ ...base, modules: ['a.mjs', 3] }, 'ERR_CONFIG_TYPE', 'modules[1]');
  });

  it('refuses a gossamer value out of range at load, with no session to start (ERR_CONFIG_INVALID)', () => {
    assert.throws(() => nodeConfig({ ...base, gossamer: { k1: 5 } }, '/'), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => nodeConfig({ ...base, pingIntervalMs: 50 }, '/'), { code: 'ERR_CONFIG_INVALID' });
  });

  it('prints the effective config as JSON that loads back to the same config', () => {
    const raw: RawNodeConfig = {
      ...base,
      profile: 'base',
      gossamer: { k2: 6 },
      multicast: { interface: '10.0.0.1' },
      sessions: [{ announcement: 'radio.xml', source: { channel: 7 }, record: 'rx.jsonl' }],
      cluster: { name: 'west', members },
    };
    const config = nodeConfig(raw, dir);
    const printed: unknown = JSON.parse(JSON.stringify(nodeConfigJson(config)));
    assert.deepEqual(load(printed), config);
    assert.deepEqual((printed as { gossamer: unknown }).gossamer, { ...DEFAULT_GOSSAMER_CONFIG, ...DAEMON_GOSSAMER_DEFAULTS, k2: 6 });
  });

  it('gives the daemon its own route-stability defaults, which the file may set, 0 included', () => {
    const { routeSwitchMinGainMs = 0, routeSwitchMinGainFraction = 0, linkCostChangeMinMs = 0 } = DAEMON_GOSSAMER_DEFAULTS;
    assert.ok(routeSwitchMinGainMs > 0 && routeSwitchMinGainFraction > 0 && linkCostChangeMinMs > 0);
    const d = nodeConfig(base, '/').gossamer;
    assert.deepEqual([d.routeSwitchMinGainMs, d.routeSwitchMinGainFraction, d.linkCostChangeMinMs], [routeSwitchMinGainMs, routeSwitchMinGainFraction, linkCostChangeMinMs]);
    const off = nodeConfig({ ...base, profile: 'paper', gossamer: { routeSwitchMinGainMs: 0, routeSwitchMinGainFraction: 0, linkCostChangeMinMs: 0 } }, '/').gossamer;
    assert.deepEqual([off.routeSwitchMinGainMs, off.routeSwitchMinGainFraction, off.linkCostChangeMinMs], [0, 0, 0]);
    assert.throws(() => nodeConfig({ ...base, gossamer: { routeSwitchMinGainFraction: 1.5 } }, '/'), { code: 'ERR_CONFIG_INVALID' });
  });
});
