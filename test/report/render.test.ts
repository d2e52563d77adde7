import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ScError } from '../../src/core/errors.ts';
import { ERR_CHART_INVALID } from '../../src/report/chart.ts';
import { renderChart } from '../../src/report/render.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG IHDR chunk. */
function ihdr(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(Buffer.from(png.subarray(12, 16)).toString('ascii'), 'IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('renderChart', () => {
  it('renders a line chart to SVG with its title and a 1280 px wide PNG', async () => {
    const { svg, png } = await renderChart({
      kind: 'line', title: 'Share of nodes discovered', xLabel: 'time (s)', yLabel: 'share',
      series: [{ name: 'mesh', points: [0, 1, 2].map((x) => ({ x, y: x / 2, lo: x / 2 - 0.1, hi: x / 2 + 0.1 })) }],
      references: [{ name: 'target', y: 0.9 }],
    });
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
    assert.ok(svg.includes('Share of nodes discovered'));
    assert.ok(svg.includes('font-family="DejaVu Sans"'));
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    const { width, height } = ihdr(png);
    assert.equal(width, 1280);
    assert.ok(height > 500 && height < 1000, `height ${height}`);
  });

  it('renders a grouped log-scale bar chart', async () => {
    const { svg, png } = await renderChart({
      kind: 'bars', title: 'Copies per link', xLabel: 'copies', yLabel: 'links', yScale: 'log',
      series: [
        { name: 'a', bars: [1, 2, 3].map((x) => ({ x, y: 10 ** x })) },
        { name: 'b', bars: [1, 2, 3].map((x) => ({ x, y: 5 * x, lo: 4 * x, hi: 6 * x })) },
      ],
    });
    assert.ok(svg.startsWith('<svg') && svg.includes('Copies per link'));
    assert.equal(ihdr(png).width, 1280);
  });

  it('rejects an invalid chart with its stable code', async () => {
    await assert.rejects(
      renderChart({ kind: 'line', title: 't', xLabel: 'x', yLabel: 'y', xScale: 'log', series: [{ name: 's', points: [{ x: 0, y: 1 }] }] }),
      (e: unknown) => e instanceof ScError && e.code === ERR_CHART_INVALID,
    );
  });
});
