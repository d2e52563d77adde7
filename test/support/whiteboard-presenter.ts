/**
 * Drives the presenter page as a person would: the toolbar's tools, pointer gestures on the overlay canvas in
 * slide coordinates (the logical canvas, 1600 x 900), the text input, the image file picker and the slide buttons.
 */

import { CANVAS } from '../../src/apps/whiteboard/deck/bodies.ts';
import type { WbPage } from './whiteboard-pages.ts';

/** A point on the slide, logical px. */
export type SlidePoint = readonly [number, number];

/** The presenter page's controls. */
export class Presenter {
  constructor(readonly wb: WbPage) {}

  private get page() {
    return this.wb.page;
  }

  /** Picks a tool of the toolbar: pen, rect, text or select. */
  async tool(name: 'pen' | 'rect' | 'text' | 'select'): Promise<void> {
    await this.page.check(`input[name="tool"][value="${name}"]`);
  }

  /** The viewport point (CSS px) of a slide point. */
  private async screen([x, y]: SlidePoint): Promise<[number, number]> {
    const box = await this.page.locator('#overlay').boundingBox();
    if (!box) throw new Error('the presenter page shows no #overlay canvas');
    return [box.x + (x * box.width) / CANVAS.width, box.y + (y * box.height) / CANVAS.height];
  }

  /** A pointer gesture through `points`: down at the first, moves, up at the last. */
  private async drag(points: readonly SlidePoint[]): Promise<void> {
    const mouse = this.page.mouse;
    const [first, ...rest] = points;
    if (!first) return;
    await mouse.move(...(await this.screen(first)));
    await mouse.down();
    for (const p of rest) await mouse.move(...(await this.screen(p)), { steps: 2 });
    await mouse.up();
  }

  /** Draws a freehand stroke through `points` with the pen. */
  async stroke(points: readonly SlidePoint[]): Promise<void> {
    await this.tool('pen');
    await this.drag(points);
  }

  /** Draws a rectangle from corner `a` to corner `b`. */
  async rect(a: SlidePoint, b: SlidePoint): Promise<void> {
    await this.tool('rect');
    await this.drag([a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], b]);
  }

  /** Writes `text` at `at`. */
  async text(at: SlidePoint, text: string): Promise<void> {
    await this.tool('text');
    await this.drag([at]);
    const input = this.page.locator('#text-input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await input.press('Enter');
  }

  /** Uploads an image file. */
  async image(name: string, mimeType: string, buffer: Buffer): Promise<void> {
    await this.page.setInputFiles('input[type="file"]#image-file', { name, mimeType, buffer });
  }

  /** Makes a new slide (which becomes the current one). */
  async newSlide(): Promise<void> {
    await this.page.click('#new-slide');
  }

  /** The next or the previous slide. */
  async step(dir: 'next' | 'prev'): Promise<void> {
    await this.page.click(`#${dir}`);
  }
}
