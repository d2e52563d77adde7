import { ScError } from '../core/errors.ts';

/** Error code of a chart description that cannot be drawn (duplicate names, non-positive values on a log axis). */
export const ERR_CHART_INVALID = 'ERR_CHART_INVALID';

/** One line: points ordered by x, with an optional 95% CI (lo..hi) per point. */
export interface Series { name: string; points: Array<{ x: number; y: number; lo?: number; hi?: number }>; dashed?: boolean }
/** A horizontal reference line, e.g. IP multicast = 1.0. */
export interface ReferenceLine { name: string; y: number }
/** Lines over a numeric x axis; CI bands (or error bars when `points`), dashed grey reference lines. */
export interface LineChart {
  kind: 'line'; title: string; xLabel: string; yLabel: string; series: Series[]; references?: ReferenceLine[];
  xScale?: 'linear' | 'log'; yDomain?: [number, number]; points?: boolean /* point markers and error bars */;
}
/** Grouped bars side by side per x (categorical x), optional error bars; bars with y <= 0 are dropped on a log scale. */
export interface BarChart {
  kind: 'bars'; title: string; xLabel: string; yLabel: string;
  series: Array<{ name: string; bars: Array<{ x: number; y: number; lo?: number; hi?: number }> }>; yScale?: 'linear' | 'log';
}
/** Any chart this module can draw. */
export type Chart = LineChart | BarChart;

/** The series palette (Tableau / d3 category10). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const GREYS = ['#555555', '#888888', '#aaaaaa'];
const FONT = 'DejaVu Sans';
const WIDTH = 640;
const HEIGHT = 360;
const SOLID = [1, 0];
const DASHED = [7, 4];
const REF_DASH = [4, 4];
/** Most x-axis labels shown on a bar chart; more categories get every k-th label. */
const MAX_BAR_LABELS = 16;

type Row = { series: string; x: number; y: number | null; lo: number | null; hi: number | null };

/** The Vega-Lite spec (v6) of a chart: 640x360 plot, category10 colours, DejaVu Sans, white background. */
export function toVegaLite(chart: Chart): object {
  const names = [...chart.series.map((s) => s.name), ...(chart.kind === 'line' ? (chart.references ?? []).map((r) => r.name) : [])];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ScError(ERR_CHART_INVALID, `chart "${chart.title}": duplicate series/reference name "${dup}"`);
  const body = chart.kind === 'line' ? lineLayers(chart) : barLayers(chart);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: chart.title, anchor: 'start', fontSize: 16, fontWeight: 'bold', offset: 12 },
    width: WIDTH,
    height: HEIGHT,
    padding: 12,
    background: 'white',
    ...body,
    config: {
      font: FONT,
      view: { stroke: null },
      axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', gridColor: '#e8e8e8', tickColor: '#888888', domainColor: '#888888', labelColor: '#222222', titleColor: '#222222' },
      legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 420, symbolSize: 220, symbolStrokeWidth: 2.5, symbolOpacity: 1 },
      title: { color: '#111111' },
    },
  };
}

/** Shared colour (and dash) scale over series names then reference names. */
function colorScale(series: string[], refs: string[]): object {
  return { domain: [...series, ...refs], range: [...series.map((_, i) => PALETTE[i % PALETTE.length]), ...refs.map((_, i) => GREYS[i % GREYS.length])] };
}

function finite(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

function lineLayers(chart: LineChart): object {
  const refs = chart.references ?? [];
  const log = chart.xScale === 'log';
  const rows: Row[] = chart.series.flatMap((s) =>
    s.points.map((p) => {
      if (log && !(p.x > 0)) throw new ScError(ERR_CHART_INVALID, `chart "${chart.title}": x=${p.x} of "${s.name}" on a log axis`);
      return { series: s.name, x: p.x, y: finite(p.y), lo: finite(p.lo), hi: finite(p.hi) };
    }),
  );
  const seriesNames = chart.series.map((s) => s.name);
  const refNames = refs.map((r) => r.name);
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(seriesNames, refNames), legend: { symbolType: 'stroke' } };
  const dash = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: [...seriesNames, ...refNames], range: [...chart.series.map((s) => (s.dashed ? DASHED : SOLID)), ...refs.map(() => REF_DASH)] },
  };
  const x = { field: 'x', type: 'quantitative', title: chart.xLabel, scale: { ...(log ? { type: 'log' } : { zero: false }), nice: false, padding: chart.points ? 14 : 0 }, axis: { tickCount: 10 } };
  const yScale = chart.yDomain ? { domain: chart.yDomain, zero: false, nice: false } : {};
  const y = { field: 'y', type: 'quantitative', title: chart.yLabel, scale: yScale };
  const hasCi = rows.some((r) => r.lo !== null && r.hi !== null);
  const ciFilter = { filter: 'isValid(datum.lo) && isValid(datum.hi)' };
  const layers: object[] = [];
  if (hasCi && !chart.points) {
    layers.push({
      transform: [ciFilter],
      mark: { type: 'area', opacity: 0.18, clip: true },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: chart.yLabel, scale: yScale }, y2: { field: 'hi' }, color },
    });
  }
  layers.push({
    transform: [{ filter: 'isValid(datum.y)' }],
    mark: { type: 'line', strokeWidth: 2.2, clip: true, point: chart.points ? { filled: true, size: 45 } : false },
    encoding: { x, y, color, strokeDash: dash },
  });
  if (hasCi && chart.points) {
    layers.push({
      transform: [ciFilter],
      mark: { type: 'errorbar', ticks: { size: 8 }, thickness: 1.5, clip: true },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: chart.yLabel, scale: yScale }, y2: { field: 'hi' }, color },
    });
  }
  if (refs.length > 0) {
    layers.push({
      data: { values: refs.map((r) => ({ series: r.name, y: r.y })) },
      mark: { type: 'rule', strokeWidth: 1.6, clip: true },
      encoding: { y, color, strokeDash: dash },
    });
  }
  return { data: { values: rows }, layer: layers };
}

function barLayers(chart: BarChart): object {
  const log = chart.yScale === 'log';
  const ok = (v: number | null): boolean => v !== null && (!log || v > 0);
  const rows: Row[] = chart.series.flatMap((s) =>
    s.bars.map((b) => ({ series: s.name, x: b.x, y: finite(b.y), lo: finite(b.lo), hi: finite(b.hi) })),
  );
  const drawn = rows.filter((r) => ok(r.y));
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const axis: Record<string, unknown> = { labelAngle: 0, labelOverlap: true, ticks: xs.length <= MAX_BAR_LABELS };
  if (xs.length > MAX_BAR_LABELS) axis.values = sparseLabels(xs);
  const x = {
    field: 'x', type: 'ordinal', title: chart.xLabel, sort: xs, axis,
    scale: { domain: xs, paddingInner: xs.length > 40 ? 0.05 : 0.2, paddingOuter: 0.1 },
  };
  const names = chart.series.map((s) => s.name);
  const xOffset = { field: 'series', type: 'nominal', scale: { domain: names, paddingInner: 0 } };
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(names, []) };
  // A log scale has no zero: bars grow from the decade below the smallest value instead; ticks at decades.
  let base = 0;
  let yScale: object = {};
  let yAxis: object = {};
  if (log && drawn.length > 0) {
    const ys = rows.flatMap((r) => [r.y, r.lo, r.hi]).filter((v): v is number => ok(v));
    const low = Math.ceil(Math.log10(Math.min(...ys))) - 1;
    const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...ys))));
    base = 10 ** low;
    yScale = { type: 'log', domain: [base, 10 ** high], nice: false };
    yAxis = { values: Array.from({ length: high - low + 1 }, (_, i) => Number((10 ** (low + i)).toPrecision(1))), format: ',~g' };
  } else if (log) yScale = { type: 'log' };
  const layers: object[] = [
    {
      data: { values: drawn },
      mark: { type: 'bar', clip: true },
      encoding: { x, xOffset, color, y: { field: 'y', type: 'quantitative', title: chart.yLabel, scale: yScale, axis: yAxis }, y2: { datum: base } },
    },
  ];
  const bars = rows.filter((r) => ok(r.lo) && ok(r.hi));
  if (bars.length > 0) {
    layers.push({
      data: { values: bars },
      mark: { type: 'rule', color: '#222222', strokeWidth: 1.3, clip: true },
      encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative', title: chart.yLabel, scale: yScale }, y2: { field: 'hi' } },
    });
  }
  return { layer: layers };
}

/** At most ~MAX_BAR_LABELS x labels: the first x and the multiples of a round step (integers), else every k-th. */
function sparseLabels(xs: number[]): number[] {
  const raw = xs.length / MAX_BAR_LABELS;
  if (!xs.every(Number.isInteger)) return xs.filter((_, i) => i % Math.ceil(raw) === 0);
  const span = ((xs[xs.length - 1] ?? 0) - (xs[0] ?? 0)) / MAX_BAR_LABELS;
  const mag = 10 ** Math.floor(Math.log10(Math.max(span, raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= Math.max(span, raw)) ?? 10 * mag;
  return xs.filter((x, i) => i === 0 || x % step === 0);
}
