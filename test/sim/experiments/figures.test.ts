import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const FIGURES = [
  'fig05-discovery',
  'fig06-cost-ratio-time',
  'fig07-edge-changes',
  'fig08-link-copies',
  'fig09-discovery-vs-size',
  'fig10-cost-ratio-vs-size',
  'fig11-cost-ratio-vs-degree',
  'fig12-stability-vs-size',
];

describe('scattercast sim figures --quick (smoke test)', () => {
  const out = mkdtempSync(join(tmpdir(), 'scattercast-figures-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('writes every figure as PNG, SVG and CSV, and a report with sane numbers', () => {
    const r = spawnSync(process.execPath, ['bin/scattercast.js', 'sim', 'figures', '--out', out, '--quick', '--runs', '2'], {
      encoding: 'utf8',
      timeout: 180000,
    });
    assert.equal(r.status, 0, r.stderr);
    for (const f of FIGURES) {
      for (const ext of ['png', 'svg', 'csv']) {
        const file = join(out, `${f}.${ext}`);
        assert.ok(existsSync(file) && statSync(file).size > 100, `${f}.${ext} written`);
      }
      const png = readFileSync(join(out, `${f}.png`));
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    }
    const report = readFileSync(join(out, 'REPORT.md'), 'utf8');
    for (const f of FIGURES) assert.match(report, new RegExp(`\\]\\(${f}\\.png\\)`), `${f} embedded`);
    assert.match(report, /Real maps/);
    // Sane numbers: cost ratios of each profile at 100 SCXs between 1 and 3, discovery before the time cap.
    const costs = readFileSync(join(out, 'fig10-cost-ratio-vs-size.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    const at100 = costs.map((line) => line.split(',')).filter((c) => c[1] === '100' && c[0]?.startsWith('Gossamer'));
    assert.equal(at100.length, 2, 'both profiles at 100 SCXs');
    for (const c of at100) assert.ok(Number(c[2]) >= 1 && Number(c[2]) < 3, `cost ratio ${c[2]}`);
    const disc = readFileSync(join(out, 'fig09-discovery-vs-size.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    for (const c of disc.map((l) => l.split(','))) assert.ok(Number(c[2]) > 0 && Number(c[2]) < 1200, `discovery ${c[2]} s`);
    assert.match(r.stdout, /wrote 8 figures/);
  });

  it('rejects a bad flag with one line and status 2', () => {
    const r = spawnSync(process.execPath, ['bin/scattercast.js', 'sim', 'figures', '--out', out, '--runs', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--runs must be an integer in 1\.\.1000/);
  });
});
