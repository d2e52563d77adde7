import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    const csv = (f: string): string[][] => readFileSync(join(out, `${f}.csv`), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    for (const f of ['fig09-discovery-vs-size', 'fig10-cost-ratio-vs-size']) assert.deepEqual(csv(f)[0], ['series', 'scx', 'mean', 'lo95', 'hi95'], `${f} columns`);
    const at100 = csv('fig10-cost-ratio-vs-size').slice(1).filter((c) => c[1] === '100' && c[0]?.startsWith('Gossamer'));
    assert.equal(at100.length, 2, 'both profiles at 100 SCXs');
    for (const c of at100) assert.ok(Number(c[2]) >= 1 && Number(c[2]) < 3, `cost ratio ${c[2]}`);
    const disc = csv('fig09-discovery-vs-size').slice(1);
    // A point whose runs never reached 90% discovery is left out of the CSV: both profiles must have one at 100 SCXs.
    for (const p of ['paper', 'tuned']) assert.equal(disc.filter((c) => c[0] === `Gossamer (${p} profile)` && c[1] === '100').length, 1, `discovery of the ${p} profile at 100 SCXs`);
    for (const c of disc) assert.ok(Number(c[2]) > 0 && Number(c[2]) < 1200, `discovery ${c[2]} s`);
    // The paper profile's discovery variants (the list bound, the paper's plain random answer), at every size.
    for (const v of ['bound 8', 'unbounded lists', 'plain random answer']) {
      assert.equal(disc.filter((c) => c[0] === `paper profile with ${v}`).length, 3, `Fig. 9 has ${v} at 3 sizes`);
    }
    assert.ok(disc.filter((c) => c[0] === 'paper profile with unbounded lists').every((c) => Number(c[2]) < 40), 'unbounded lists are quick');
    // Fig. 7: the median time each profile made 90% of its edge changes, on every row.
    const edges = csv('fig07-edge-changes');
    assert.deepEqual(edges[0], ['profile', 'time_s', 'mean_changes', 'lo95', 'hi95', 'median_90pct_changes_at_s']);
    for (const c of edges.slice(1)) assert.ok(Number(c[5]) > 0 && Number(c[5]) < 1200, `90% of the edge changes at ${c[5]} s`);
    // Fig. 11: the paper's typical band at <3,4>.
    assert.match(readFileSync(join(out, 'fig11-cost-ratio-vs-degree.csv'), 'utf8'), /^"the paper at <3,4>: 1\.65-1\.75 typical","<3,4>",7,1\.7,1\.65,1\.75\r$/m);
    // Every section is marked and says how it was made; the paper's row of the at-a-glance table holds only the paper's numbers.
    for (const id of ['goals', 'fig05', 'fig12', 'real-maps', 'scale']) assert.match(report, new RegExp(`<!-- section: ${id} -->\n## .*\n\n_Made by \``));
    assert.match(report, /\| the paper \| 1\.65-1\.75 typical \|  \| within 20 \| ~300/);
    assert.match(r.stdout, /wrote 8 figures/);
  });

  it('--only remakes the sections named from saved runs and keeps the others of the report', () => {
    const report = join(out, 'REPORT.md');
    const before = readFileSync(report, 'utf8').replace('## Fig. 6:', '## Fig. 6: (kept)');
    writeFileSync(report, before);
    const kept = before.slice(before.indexOf('<!-- section: fig06 -->'), before.indexOf('<!-- section: fig07 -->'));
    const r = spawnSync(
      process.execPath,
      ['bin/scattercast.js', 'sim', 'figures', '--out', out, '--quick', '--runs', '2', '--only', 'fig05,12', '--from', join(out, 'runs.json')],
      { encoding: 'utf8', timeout: 60000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote 2 figures/);
    const after = readFileSync(report, 'utf8');
    assert.ok(kept.includes('(kept)') && after.includes(kept), 'Fig. 6 kept as it was');
    assert.match(after, /<!-- section: fig05 -->\n## Fig\. 5: .*\n\n_Made by `scattercast sim figures --out DIR --runs 2 --quick --profile both --only fig05,fig12`/);
    assert.equal(after.match(/<!-- section: /g)?.length, before.match(/<!-- section: /g)?.length, 'every section still there, once');
  });

  it('rejects a bad flag with one line and status 2', () => {
    const r = spawnSync(process.execPath, ['bin/scattercast.js', 'sim', 'figures', '--out', out, '--runs', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--runs must be an integer in 1\.\.1000/);
    const only = spawnSync(process.execPath, ['bin/scattercast.js', 'sim', 'figures', '--out', out, '--only', 'fig13'], { encoding: 'utf8' });
    assert.equal(only.status, 2);
    assert.match(only.stderr, /--only takes a comma-separated list of goals, fig05, .*; got 'fig13'/);
  });
});
