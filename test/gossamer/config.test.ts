import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_GOSSAMER_CONFIG, GOSSAMER_CONFIG_SCHEMA, gossamerConfig, type GossamerConfig } from '../../src/gossamer/config.ts';
import { PROFILES } from '../../src/gossamer/profiles.ts';

/** What a refused config throws: a stable code and the path of the value at fault. */
function refused(overrides: Record<string, unknown>, code: string, path: string): void {
  assert.throws(() => gossamerConfig(overrides as Partial<GossamerConfig>), (err: Error & { code?: string; path?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.equal(err.path, path, err.message);
    assert.match(err.message, new RegExp(path));
    return true;
  });
}

describe('GossamerConfig', () => {
  it('takes the defaults, every profile and valid overrides', () => {
    assert.deepEqual(gossamerConfig(), DEFAULT_GOSSAMER_CONFIG);
    for (const profile of Object.values(PROFILES)) assert.deepEqual(gossamerConfig(profile), { ...DEFAULT_GOSSAMER_CONFIG, ...profile });
    assert.equal(gossamerConfig({ hysteresisPerSource: 0.9, requireRouteGain: false }).requireRouteGain, false);
  });

  it('refuses an unknown key with its path (ERR_CONFIG_UNKNOWN_KEY)', () => {
    refused({ hysteresis: 0.9 }, 'ERR_CONFIG_UNKNOWN_KEY', 'hysteresis');
    refused({ k1: 3, probeIntervalMS: 1000 }, 'ERR_CONFIG_UNKNOWN_KEY', 'probeIntervalMS');
  });

  it('refuses a wrong type with its path (ERR_CONFIG_TYPE), for every key the defaults hold', () => {
    refused({ requireRouteGain: 'false' }, 'ERR_CONFIG_TYPE', 'requireRouteGain');
    refused({ k1: null }, 'ERR_CONFIG_TYPE', 'k1');
    for (const [key, value] of Object.entries(DEFAULT_GOSSAMER_CONFIG)) {
      refused({ [key]: typeof value === 'number' ? String(value) : Number(value) }, 'ERR_CONFIG_TYPE', key);
    }
  });

  it('derives its keys and types from the defaults, so a key added there is checked too', () => {
    assert.deepEqual(
      GOSSAMER_CONFIG_SCHEMA,
      Object.fromEntries(Object.entries(DEFAULT_GOSSAMER_CONFIG).map(([key, value]) => [key, typeof value])),
    );
  });

  it('still refuses a value out of range (ERR_CONFIG_INVALID)', () => {
    assert.throws(() => gossamerConfig({ k1: 4, k2: 4 }), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => gossamerConfig({ probeIntervalMs: 0 }), { code: 'ERR_CONFIG_INVALID' });
  });

  it('documents every key in one line with the default the code uses', () => {
    const source = readFileSync('src/gossamer/config.ts', 'utf8');
    for (const [key, value] of Object.entries(DEFAULT_GOSSAMER_CONFIG)) {
      const doc = new RegExp(`\\n  /\\*\\* ([^\\n]+) \\*/\\n  readonly ${key}: `).exec(source)?.[1];
      assert.ok(doc, `${key} has no one-line doc`);
      assert.match(doc, new RegExp(`Default ${String(value).replace('.', '\\.')}\\.$`), `${key}: the doc's default is not ${value}`);
    }
  });
});
