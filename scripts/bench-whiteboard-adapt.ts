/**
 * Device adaptation's savings and cost: each image (the two photos in assets/whiteboard, a screenshot-like PNG and
 * a line drawing, both drawn here from SVG) transcoded by transcodeForSmall to a 2-bit grayscale PNG at 240, 320
 * and 480 px wide (what a device narrower than the default `smallWidth`, 640 px, gets: an image as wide as it is
 * drawn there), and at 640 px for reference. Prints, per image and width, the original and small bytes, the share of bytes saved, and the
 * transcode time's median over `runs` runs (after one warm-up).
 *
 *   node --import tsx scripts/bench-whiteboard-adapt.ts [runs, default 9]
 */

import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { transcodeForSmall } from '../src/apps/whiteboard/adapt/small-image.ts';

const runs = Number(process.argv[2] ?? 9);
if (!Number.isInteger(runs) || runs < 1) throw new RangeError('runs must be an integer >= 1');

const asset = (name: string): Buffer => readFileSync(new URL(`../assets/whiteboard/${name}`, import.meta.url));

/** A screenshot-like image: a window with a title bar, a sidebar, text lines and a chart, 1280 x 800 PNG. */
async function screenshot(): Promise<Buffer> {
  let body = '<rect width="1280" height="800" fill="#f5f6f8"/><rect width="1280" height="48" fill="#2b3e50"/>';
  body += '<text x="24" y="32" font-family="sans-serif" font-size="20" fill="#ffffff">scattercast dashboard: overlay</text>';
  body += '<rect y="48" width="240" height="752" fill="#e4e8ee"/>';
  for (let i = 0; i < 12; i++) body += `<text x="24" y="${96 + i * 40}" font-family="sans-serif" font-size="16" fill="#334">cluster ${i + 1}: 3 members, rtt ${12 + i * 3} ms</text>`;
  for (let i = 0; i < 14; i++) body += `<rect x="280" y="${80 + i * 28}" width="${300 + ((i * 137) % 500)}" height="12" rx="6" fill="#c6ced8"/>`;
  body += '<rect x="280" y="500" width="960" height="260" fill="#ffffff" stroke="#c6ced8"/>';
  body += `<polyline fill="none" stroke="#1f77b4" stroke-width="3" points="${Array.from({ length: 48 }, (_, i) => `${290 + i * 20},${700 - 120 * Math.abs(Math.sin(i / 5)) - i * 2}`).join(' ')}"/>`;
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">${body}</svg>`)).png().toBuffer();
}

/** A line drawing: black pen strokes on white (what a scanned sketch looks like), 1200 x 900 PNG. */
async function lineDrawing(): Promise<Buffer> {
  let body = '<rect width="1200" height="900" fill="#ffffff"/>';
  for (let k = 0; k < 24; k++) {
    const pts = Array.from({ length: 30 }, (_, i) => `${60 + i * 37 + 10 * Math.sin(k + i)},${60 + k * 33 + 40 * Math.sin((i + k) / 4)}`);
    body += `<polyline fill="none" stroke="#111111" stroke-width="${2 + (k % 4)}" stroke-linecap="round" points="${pts.join(' ')}"/>`;
  }
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">${body}</svg>`)).png().toBuffer();
}

/** The median of `values`. */
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const images: [string, Buffer][] = [
  ['photo verify.jpeg', asset('verify.jpeg')],
  ['photo f3.jpg', asset('f3.jpg')],
  ['screenshot (PNG)', await screenshot()],
  ['line drawing (PNG)', await lineDrawing()],
];

console.log(`transcodeForSmall: 2-bit grayscale PNG, median of ${runs} runs`);
console.log(`${'image'.padEnd(20)} ${'size'.padStart(9)} ${'bytes'.padStart(8)} | ${'width'.padStart(5)} ${'small'.padStart(7)} ${'saved'.padStart(6)} ${'median'.padStart(8)}`);
for (const [name, bytes] of images) {
  const meta = await sharp(bytes).metadata();
  for (const maxWidth of [240, 320, 480, 640]) {
    await transcodeForSmall(bytes, { maxWidth });
    const times: number[] = [];
    let out: Buffer = Buffer.alloc(0);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = await transcodeForSmall(bytes, { maxWidth });
      times.push(performance.now() - t0);
    }
    const saved = (100 * (bytes.length - out.length)) / bytes.length;
    console.log(
      `${name.padEnd(20)} ${`${meta.width}x${meta.height}`.padStart(9)} ${String(bytes.length).padStart(8)} | ${String(maxWidth).padStart(5)} ${String(out.length).padStart(7)} ${`${saved.toFixed(1)}%`.padStart(6)} ${`${median(times).toFixed(1)} ms`.padStart(8)}`,
    );
  }
}
