/**
 * The whiteboard's pages in headless Chromium, read through their test hooks (`window.wb`: model, current,
 * rendered, sent, imageInfo) and through the WebSocket frames Chromium saw (the order objects arrived in, an
 * image's bytes as the SCX sent them). Page errors and console errors are collected as problems.
 */

import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './prerequisite.ts';

/** Chromium's flags: headless, nothing fetched from elsewhere. */
/** One object version as `wb.model(slide)` lists it. */
export interface WbObject {
  readonly id: number;
  readonly v: number;
  readonly kind: string;
  readonly body: Record<string, unknown>;
}

/** An entry of `wb.rendered` or `wb.sent`: a version drawn or sent at `at` (Unix ms, the browser's clock). */
export interface WbStamp {
  readonly id: number;
  readonly v: number;
  readonly at: number;
}

/** A WebSocket frame the page received: JSON text parsed, or binary bytes; `at` is Unix ms here. */
export type WbFrame = { readonly at: number; readonly json: Record<string, unknown> } | { readonly at: number; readonly bytes: Buffer };

/** Starts headless Chromium (Debian's, in this namespace). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A whiteboard page (presenter or viewer) and what it received. */
export class WbPage {
  /** Every WebSocket frame received, in order. */
  readonly frames: WbFrame[] = [];
  /** Page errors and console errors. */
  readonly problems: string[] = [];
  /** When the page was asked to load, Unix ms. */
  openedAt = 0;

  private constructor(
    /** What the page is called in messages. */
    readonly name: string,
    readonly page: Page,
    /** Whether it declared a small device. */
    readonly small: boolean,
  ) {
    page.on('pageerror', (e) => this.problems.push(`${name}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`${name}: console error: ${m.text()}`);
    });
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const at = Date.now();
        if (typeof payload === 'string') {
          try {
            this.frames.push({ at, json: JSON.parse(payload) as Record<string, unknown> });
          } catch {
            this.problems.push(`${name}: a text frame that is no JSON: ${payload.slice(0, 80)}`);
          }
        } else this.frames.push({ at, bytes: payload });
      });
    });
  }

  /** Opens `url` in a new page of `browser` with a `width` x `height` viewport (CSS px) and waits for `window.wb`. */
  static async open(browser: Browser, name: string, url: string, opts: { width: number; height: number; small?: boolean }): Promise<WbPage> {
    const page = await browser.newPage({ viewport: { width: opts.width, height: opts.height } });
    const p = new WbPage(name, page, opts.small === true);
    p.openedAt = Date.now();
    await page.goto(url);
    await page.waitForFunction('typeof window.wb === "object" && typeof window.wb.model === "function"', undefined, { timeout: 15_000 });
    return p;
  }

  /** `wb.model(slide)`. */
  model(slide: number): Promise<WbObject[]> {
    return this.page.evaluate(`window.wb.model(${Number(slide)})`) as Promise<WbObject[]>;
  }

  /** `wb.current()`: the slide on screen that the presenter announced (null before any). */
  current(): Promise<number | null> {
    return this.page.evaluate('window.wb.current()') as Promise<number | null>;
  }

  /** `wb.shown()`: the slide on the page's screen (null before any). */
  shown(): Promise<number | null> {
    return this.page.evaluate('window.wb.shown()') as Promise<number | null>;
  }

  /** `wb.rendered`, from entry `from` on. */
  rendered(from = 0): Promise<WbStamp[]> {
    return this.page.evaluate(`window.wb.rendered.slice(${Number(from)})`) as Promise<WbStamp[]>;
  }

  /** `wb.sent` (presenter), from entry `from` on. */
  sent(from = 0): Promise<WbStamp[]> {
    return this.page.evaluate(`(window.wb.sent ?? []).slice(${Number(from)})`) as Promise<WbStamp[]>;
  }

  /** `wb.imageInfo(id)`: the image's byte count and MIME type as the page holds them, and a PNG's IHDR fields. */
  imageInfo(id: number): Promise<{ bytes: number; mime: string; bitDepth?: number; colorType?: number } | undefined> {
    return this.page.evaluate(`window.wb.imageInfo(${Number(id)})`) as Promise<{ bytes: number; mime: string; bitDepth?: number; colorType?: number } | undefined>;
  }

  /** The JSON messages received of type `t`, in order. */
  messages(t: string): Array<{ at: number; json: Record<string, unknown> }> {
    return this.frames.filter((f): f is { at: number; json: Record<string, unknown> } => 'json' in f && f.json.t === t);
  }

  /** The binary frame that followed the last `obj` message of image `id`, with that message. */
  imageFrame(id: number): { json: Record<string, unknown>; bytes: Buffer } | undefined {
    let found: { json: Record<string, unknown>; bytes: Buffer } | undefined;
    this.frames.forEach((f, k) => {
      const next = this.frames[k + 1];
      if ('json' in f && f.json.t === 'obj' && f.json.id === id && f.json.kind === 'image' && next && 'bytes' in next) found = { json: f.json, bytes: next.bytes };
    });
    return found;
  }

  /** A PNG screenshot of `canvas#slide` as shown. */
  canvasShot(): Promise<Buffer> {
    return this.page.locator('canvas#slide').screenshot();
  }
}

/** A model as compared across pages: a small device's image bodies without `mime` (its images are transcoded PNGs). */
export function comparable(model: readonly WbObject[], small: boolean): string {
  return JSON.stringify(model.map((o) => (small && o.kind === 'image' ? { ...o, body: { ...o.body, mime: undefined } } : o)));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every viewer knows and shows the presenter's current slide and its model of that slide equals the presenter's;
 * resolves with the time each took from the call, ms, or rejects after `ms` naming who differs and how.
 */
export async function agree(presenter: WbPage, viewers: readonly WbPage[], what: string, ms: number): Promise<number[]> {
  const start = Date.now();
  const took: Array<number | undefined> = viewers.map(() => undefined);
  let last = '';
  for (;;) {
    const slide = await presenter.current();
    const want = await presenter.model(slide ?? 0);
    for (const [k, v] of viewers.entries()) {
      if (took[k] !== undefined) continue;
      const [cur, shown, model] = await Promise.all([v.current(), v.shown(), v.model(slide ?? 0)]);
      if (cur === slide && shown === slide && comparable(model, v.small) === comparable(want, v.small)) took[k] = Date.now() - start;
      else last = `${v.name} knows slide ${cur} as current and shows ${shown} (presenter ${slide}); its model ${JSON.stringify(model).slice(0, 600)}; the presenter's ${JSON.stringify(want).slice(0, 600)}`;
    }
    if (took.every((t) => t !== undefined)) return took as number[];
    if (Date.now() - start > ms) throw new Error(`after ${what}, not every viewer agreed with the presenter within ${ms} ms: ${last}`);
    await sleep(50);
  }
}
