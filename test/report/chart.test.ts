import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { ScError } from '../../src/core/errors.ts';
import { ERR_CHART_INVALID, PALETTE, toVegaLite, type BarChart, type LineChart } from '../../src/report/chart.ts';

type Layer = { mark: string | { type: string; strokeDash?: number[] }; encoding: Record<string, { field?: string; datum?: number; scale?: Record<string, unknown> }>; data?: { values: unknown[] } };
type Spec = { title: { text: string }; width: number; height: number; layer: Layer[]; data?: { values: Array<Record<string, unknown>> }; config: { font: string } };

const markType = (l: Layer): string => (typeof l.mark === 'string' ? l.mark : l.mark.type);

/** Compiles with vega-lite (failing on any warning) and parses with vega. */
function compiles(spec: object): void {
  const warnings: string[] = [];
  const logger = { level: () => logger, error: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; }, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; }, info: () => logger, debug: () => logger } as never;
  const vg = compile(spec as TopLevelSpec, { logger }).spec;
  assert.deepEqual(warnings, []);
  vega.parse(vg);
}

const line: LineChart = {
  kind: 'line', title: 'Discovery', xLabel: 'time (s)', yLabel: 'share',
  series: [
    { name: 'small', points: [0, 1, 2, 3].map((x) => ({ x, y: x / 3, lo: x / 3 - 0.1, hi: x / 3 + 0.1 })) },
    { name: 'large', points: [0, 1, 2, 3].map((x) => ({ x, y: x / 4 })), dashed: true },
  ],
  references: [{ name: 'IP multicast', y: 1 }],
  yDomain: [0, 1.1],
};

describe('toVegaLite (line)', () => {
  it('layers a CI band, the lines and the reference rules over shared scales', () => {
    const spec = toVegaLite(line) as Spec;
    assert.equal(spec.title.text, 'Discovery');
    assert.equal(spec.width, 640);
    assert.equal(spec.height, 360);
    assert.equal(spec.config.font, 'DejaVu Sans');
    assert.deepEqual(spec.layer.map(markType), ['area', 'line', 'rule']);
    const [band, lines, rule] = spec.layer as [Layer, Layer, Layer];
    assert.equal(band.encoding.y?.field, 'lo');
    assert.equal(band.encoding.y2?.field, 'hi');
    assert.equal(lines.encoding.x?.field, 'x');
    assert.equal(lines.encoding.y?.field, 'y');
    assert.equal(lines.encoding.color?.field, 'series');
    assert.deepEqual(lines.encoding.color?.scale?.domain, ['small', 'large', 'IP multicast']);
    assert.deepEqual((lines.encoding.color?.scale?.range as string[]).slice(0, 2), PALETTE.slice(0, 2));
    assert.deepEqual(lines.encoding.strokeDash?.scale?.range, [[1, 0], [7, 4], [4, 4]]);
    assert.deepEqual(lines.encoding.y?.scale?.domain, [0, 1.1]);
    assert.deepEqual(rule.data?.values, [{ series: 'IP multicast', y: 1 }]);
    assert.equal(spec.data?.values.length, 8);
    compiles(spec);
  });

  it('draws point markers and error bars instead of a band when points is set, on a log x axis', () => {
    const spec = toVegaLite({ ...line, xScale: 'log', points: true, series: line.series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, x: p.x + 1 })) })) }) as Spec;
    assert.deepEqual(spec.layer.map(markType), ['line', 'errorbar', 'rule']);
    assert.equal(spec.layer[0]?.encoding.x?.scale?.type, 'log');
    compiles(spec);
  });

  it('rejects duplicate names and non-positive x on a log axis', () => {
    const invalid = (e: unknown): boolean => e instanceof ScError && e.code === ERR_CHART_INVALID;
    assert.throws(() => toVegaLite({ ...line, references: [{ name: 'small', y: 1 }] }), invalid);
    assert.throws(() => toVegaLite({ ...line, xScale: 'log' }), invalid);
  });
});

describe('toVegaLite (bars)', () => {
  const bars: BarChart = {
    kind: 'bars', title: 'Copies per link', xLabel: 'copies', yLabel: 'links', yScale: 'log',
    series: [
      { name: 'scattercast', bars: Array.from({ length: 150 }, (_, i) => ({ x: i + 1, y: 150 - i })) },
      { name: 'unicast', bars: Array.from({ length: 150 }, (_, i) => ({ x: i + 1, y: i % 7, lo: 0.5, hi: 9 })) },
    ],
  };

  it('groups bars by x with an xOffset per series, error bars as rules, on a log y axis from a decade baseline', () => {
    const spec = toVegaLite(bars) as Spec;
    assert.deepEqual(spec.layer.map(markType), ['bar', 'rule']);
    const [bar, err] = spec.layer as [Layer, Layer];
    assert.equal(bar.encoding.x?.field, 'x');
    assert.equal(bar.encoding.xOffset?.field, 'series');
    assert.equal(bar.encoding.color?.field, 'series');
    assert.equal(bar.encoding.y?.scale?.type, 'log');
    assert.equal(bar.encoding.y2?.datum, 0.1);
    assert.equal(bar.data?.values.length, 150 + 150 - 22, 'zero bars are dropped on a log scale');
    assert.equal(err.encoding.y?.field, 'lo');
    assert.equal(err.encoding.xOffset?.field, 'series');
    const labels = (bar.encoding.x as { axis: { values: number[] } }).axis.values;
    assert.deepEqual(labels, [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
    compiles(spec);
  });

  it('uses a linear y from zero without a log scale', () => {
    const spec = toVegaLite({ ...bars, yScale: 'linear' }) as Spec;
    assert.equal(spec.layer[0]?.encoding.y2?.datum, 0);
    assert.equal(spec.layer[0]?.data?.values.length, 300);
    compiles(spec);
  });
});
