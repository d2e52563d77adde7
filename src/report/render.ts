import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { ScError } from '../core/errors.ts';
import { toVegaLite, type Chart } from './chart.ts';

/** Error code of a chart that failed to compile or render. */
export const ERR_RENDER = 'ERR_RENDER';

/** Width of every PNG in pixels; the SVG is scaled to fit it (about 1.4x). */
export const PNG_WIDTH = 1280;

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF'];

let fontCache: string[] | undefined;

/** The DejaVu Sans TrueType files present on this machine (may be empty). */
export function dejavuFontFiles(): string[] {
  if (fontCache) return fontCache;
  const files: string[] = [];
  for (const dir of FONT_DIRS) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (/^DejaVuSans(-[A-Za-z]+)?\.ttf$/.test(name)) files.push(join(dir, name));
  }
  fontCache = files;
  return files;
}

/** Renders a chart to an SVG string and a white-background PNG 1280 px wide, without a browser. */
export async function renderChart(chart: Chart): Promise<{ svg: string; png: Uint8Array }> {
  const spec = toVegaLite(chart);
  let svg: string;
  try {
    const compiled = compile(spec as TopLevelSpec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw new ScError(ERR_RENDER, `chart "${chart.title}": vega failed: ${(err as Error).message}`);
  }
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'width', value: PNG_WIDTH },
      background: 'white',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', fontFiles: dejavuFontFiles() },
    });
    const png = resvg.render().asPng();
    return { svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  } catch (err) {
    throw new ScError(ERR_RENDER, `chart "${chart.title}": PNG rasterisation failed: ${(err as Error).message}`);
  }
}
