/**
 * The whiteboard in real browsers across network namespaces (issue 15): cluster west (one node, the presenter's SCX)
 * and cluster east (two nodes behind east's frontend), each node a `scattercast node` process in its own namespace.
 * Headless Chromium runs in the root namespace and reaches every node over the LAN's bridge: the browser-to-SCX hop
 * is a TCP WebSocket either way, and the loss the issue asks for is on the overlay's UDP into the east viewers' SCX
 * (iptables `statistic`, 10 %), which is where the ADU module's repair works; one browser with a page per person is
 * far lighter on a small machine than a Chromium per namespace. One presenter (west) and three viewers through east:
 * a desktop and a small device on the same SCX, and a desktop that joins late. SC_KEEP=1 keeps the nodes' logs.
 */

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { percentile } from '../../scripts/chaos/goals.ts';
import { Random } from '../../src/core/random.ts';
import { pixelDiff, pngHeader } from '../support/pixel-diff.ts';
import { needs } from '../support/prerequisite.ts';
import { envSeed, testSeed } from '../support/seed.ts';
import { WB_SECRET, WB_SESSION, startWhiteboardLan, type WhiteboardLan } from '../support/whiteboard-lan.ts';
import { agree, launchChromium, WbPage, type WbStamp } from '../support/whiteboard-pages.ts';
import { syntheticPhoto } from '../support/whiteboard-photo.ts';
import { Presenter, type SlidePoint } from '../support/whiteboard-presenter.ts';

/** The issue's bound from a presenter's change to every viewer's model of the current slide matching, ms. */
const AGREE_MS = 2_000;
/** The issue's bound on a late joiner's current slide, ms (from its welcome to the slide's last object). */
const LATE_CURRENT_MS = 1_000;
/** Loss on the overlay's UDP into the east viewers' SCX. */
const LOSS = 0.1;
/** Strokes timed with and without the loss. */
const TIMED_STROKES = 40;
/** Most pixels of the presenter's and the desktop viewer's slide canvases that may differ (anti-aliasing at most). */
const MAX_DIFF_FRACTION = 0.01;
/** The desktop pages' viewport, CSS px; the small device's. */
const DESKTOP = { width: 1280, height: 860 };
const SMALL = { width: 400, height: 760 };

needs({ netns: true, chromium: true }).describe('the whiteboard in Chromium across two clusters in network namespaces', { timeout: 240_000 }, () => {
  let wb: WhiteboardLan;
  let browser: Browser;
  let presenter: Presenter;
  let desktop: WbPage;
  let small: WbPage;
  /** The desktop viewer that joins late (opened by its test). */
  let late: WbPage;
  /** The host of the east viewers' SCX, where the loss is. */
  let lossy: number;
  /** The seed of the strokes' shapes and the photo (SC_SEED replays another). */
  const seed = envSeed(15);
  const rng = new Random(seed);
  /** The photo uploaded, its object id once sent. */
  let photo: Buffer;
  let photoId = 0;
  const pages: WbPage[] = [];
  const query = `session=${encodeURIComponent(WB_SESSION)}`;

  async function open(name: string, url: string, opts: { width: number; height: number; small?: boolean }): Promise<WbPage> {
    const p = await WbPage.open(browser, name, url, opts);
    pages.push(p);
    return p;
  }

  /** A wobbly stroke of a few points somewhere on the slide. */
  function scribble(): SlidePoint[] {
    const x = 200 + rng.int(1100);
    const y = 150 + rng.int(550);
    return Array.from({ length: 6 }, (_, k) => [x + k * 25, y + Math.round(40 * Math.sin(k + rng.next()))] as const);
  }

  /** The presenter's `wb.sent` entries after `from`: the last version sent of each object. */
  async function lastSent(from: number): Promise<WbStamp[]> {
    const byId = new Map<number, WbStamp>();
    for (const s of await presenter.wb.sent(from)) byId.set(s.id, s);
    return [...byId.values()];
  }

  /** Does `action` on the presenter, then waits until every viewer agrees; the new versions sent and the times. */
  async function change(what: string, action: () => Promise<void>, viewers: readonly WbPage[] = [desktop, small]): Promise<{ sent: WbStamp[]; took: number[] }> {
    const from = (await presenter.wb.sent()).length;
    const was = await presenter.wb.current();
    await action();
    // The page acts on some inputs asynchronously (an image is read first): wait until it has sent or moved.
    const start = Date.now();
    while ((await presenter.wb.sent(from)).length === 0 && (await presenter.wb.current()) === was) {
      if (Date.now() - start > AGREE_MS) assert.fail(`the presenter page did nothing on ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const took = await agree(presenter.wb, viewers, what, AGREE_MS);
    return { sent: await lastSent(from), took };
  }

  before(async () => {
    wb = await startWhiteboardLan();
    browser = await launchChromium();
    photo = await syntheticPhoto(seed);
    lossy = wb.hostOf((await wb.attach(1)).scx);
    wb.lossOn(lossy, LOSS);
    presenter = new Presenter(await open('presenter', `${wb.origin(0)}/whiteboard/present.html?${query}#credential=${encodeURIComponent(WB_SECRET)}`, DESKTOP));
    desktop = await open('desktop viewer', `${wb.origin(1)}/whiteboard/view.html?${query}`, DESKTOP);
    small = await open('small viewer', `${wb.origin(1)}/whiteboard/view.html?${query}&device=small`, { ...SMALL, small: true });
  });

  after(async () => {
    await browser?.close();
    wb?.destroy();
  });

  it('every viewer shows the presenter\'s current slide within 2 s of each change: new slides, strokes, rectangles, text, an image, slide changes', async (t) => {
    testSeed(t, seed);
    const took: Array<{ what: string; ms: number }> = [];
    const step = async (what: string, action: () => Promise<void>): Promise<WbStamp[]> => {
      const r = await change(what, action);
      took.push({ what, ms: Math.max(...r.took) });
      return r.sent;
    };
    for (let s = 1; s <= 4; s++) {
      await step(`new slide ${s}`, () => presenter.newSlide());
      await step(`a stroke on slide ${s}`, () => presenter.stroke(scribble()));
      await step(`a rectangle on slide ${s}`, () => presenter.rect([100 + 40 * s, 120], [500 + 40 * s, 380]));
      await step(`a text on slide ${s}`, () => presenter.text([700, 120 + 20 * s], `Slide ${s}: selective reliability`));
      if (s === 2) {
        const sent = await step('an image on slide 2', () => presenter.image('photo.jpg', 'image/jpeg', photo));
        photoId = sent.at(-1)?.id ?? 0;
      }
    }
    await step('back to slide 3', () => presenter.step('prev'));
    await step('back to slide 2', () => presenter.step('prev'));
    assert.equal(await presenter.wb.current(), 2, 'the presenter is on slide 2 of 4');
    assert.ok(photoId > 0, 'the image was sent');
    t.diagnostic(`viewers (loss ${LOSS * 100} % into ${wb.scx(lossy)}) agreed with the presenter after: ${took.map((x) => `${x.what} ${x.ms} ms`).join('; ')}`);
  });

  it('the small viewer gets the image as a 2-bit palette PNG smaller than the original; the desktop viewer gets the original', async (t) => {
    const got = small.imageFrame(photoId);
    assert.ok(got, 'the small viewer received the image\'s bytes');
    assert.equal(got.json.body && (got.json.body as { mime?: string }).mime, 'image/png');
    const png = pngHeader(got.bytes);
    assert.ok(png, 'a PNG');
    assert.equal(png.bitDepth, 2, 'IHDR bit depth 2');
    assert.equal(png.colourType, 3, 'IHDR colour type 3 (palette)');
    assert.ok(png.width <= SMALL.width, `scaled to the small screen: ${png.width} px wide`);
    assert.ok(got.bytes.length < photo.length, `${got.bytes.length} bytes < ${photo.length}`);
    const info = await small.imageInfo(photoId);
    assert.deepEqual(info && [info.bytes, info.mime, info.bitDepth, info.colorType], [got.bytes.length, 'image/png', 2, 3], 'the small page holds the PNG');
    const original = desktop.imageFrame(photoId);
    assert.ok(original, 'the desktop viewer received the image\'s bytes');
    assert.ok(original.bytes.equals(photo), 'the desktop viewer on the same SCX got the original file');
    t.diagnostic(`image: ${photo.length} bytes (JPEG 1200x800) -> ${got.bytes.length} bytes (2-bit PNG ${png.width}x${png.height}) for the small viewer, ${(100 * (1 - got.bytes.length / photo.length)).toFixed(1)} % saved`);
  });

  it('the presenter\'s and the desktop viewer\'s slide canvases look the same', async (t) => {
    const [a, b] = await Promise.all([presenter.wb.canvasShot(), desktop.canvasShot()]);
    const d = await pixelDiff(a, b);
    const blank = await sharp({ create: { width: d.width, height: d.height, channels: 4, background: '#ffffff' } }).png().toBuffer();
    const drawn = await pixelDiff(a, blank);
    t.diagnostic(`canvas#slide ${d.width}x${d.height}: ${d.differing} pixels differ (${(100 * d.fraction).toFixed(3)} %); ${(100 * drawn.fraction).toFixed(1)} % of the slide is drawn on`);
    assert.ok(drawn.fraction > 0.05, 'the slide compared is not blank');
    assert.ok(d.fraction < MAX_DIFF_FRACTION, `${(100 * d.fraction).toFixed(2)} % of the pixels differ`);
  });

  it('a late joiner gets the current slide first and whole within 1 s, then the other slides nearest first', async (t) => {
    const current = await presenter.wb.current();
    late = await open('late viewer', `${wb.origin(1)}/whiteboard/view.html?${query}`, DESKTOP);
    const [ms] = await agree(presenter.wb, [late], 'a late join', 5_000);
    const welcome = late.messages('welcome')[0];
    assert.ok(welcome, 'welcomed');
    assert.equal(welcome.json.current, current, 'the welcome names the presenter\'s current slide');
    const objs = late.messages('obj').filter((m) => m.json.slide !== 0);
    const slides = objs.map((m) => m.json.slide as number);
    const lastCurrent = slides.lastIndexOf(current as number);
    const firstOther = slides.findIndex((s) => s !== current);
    assert.ok(lastCurrent >= 0 && (firstOther < 0 || lastCurrent < firstOther), `the current slide's objects came first: slides in order ${slides.join(' ')}`);
    const others = [...new Set(slides.slice(lastCurrent + 1))];
    const distance = others.map((s) => Math.abs(s - (current as number)));
    assert.deepEqual(distance, [...distance].sort((x, y) => x - y), `the other slides came nearest first: ${others.join(' ')}`);
    assert.deepEqual([...new Set(slides)].sort((x, y) => x - y), [1, 2, 3, 4], 'every slide arrived');
    const currentMs = objs[lastCurrent]!.at - welcome.at;
    const rendered = await late.rendered();
    const currentIds = new Set((await presenter.wb.model(current as number)).map((o) => o.id));
    assert.ok(rendered.length > 0 && currentIds.has(rendered[0]!.id), 'the first object drawn is of the current slide');
    t.diagnostic(`late joiner: current slide whole ${currentMs} ms after its welcome (${objs[lastCurrent]!.at - late.openedAt} ms after the page began to load; its welcome at ${welcome.at - late.openedAt} ms); then slides ${others.join(', ')}; its model agreed ${ms} ms after the page was up`);
    assert.ok(currentMs <= LATE_CURRENT_MS, `the current slide took ${currentMs} ms`);
  });

  it('times presenter stroke to viewer render with the lossy path and without it', async (t) => {
    const viewers = [desktop, small, ...(late ? [late] : [])];
    const phase = async (): Promise<number[][]> => {
      const strokes: WbStamp[] = [];
      const marks = await Promise.all(viewers.map((v) => v.rendered().then((r) => r.length)));
      for (let k = 0; k < TIMED_STROKES; k++) {
        const { sent } = await change(`timed stroke ${k}`, () => presenter.stroke(scribble()), viewers);
        strokes.push(...sent);
      }
      return Promise.all(viewers.map(async (v, j) => {
        const rendered = await v.rendered(marks[j]);
        return strokes.map((s) => {
          const r = rendered.find((x) => x.id === s.id && x.v >= s.v);
          assert.ok(r, `${v.name} drew stroke ${s.id} v${s.v}`);
          return r.at - s.at;
        });
      }));
    };
    const lossyMs = await phase();
    const dropped = wb.lossDropped(lossy);
    const gaps = await wb.moduleCounter(lossy, 'gapsDetected');
    const repaired = await wb.moduleCounter(lossy, 'repairsReceived');
    t.diagnostic(`the loss dropped ${dropped} UDP packets into ${wb.scx(lossy)}; its adu module found ${gaps} fragments missing and received ${repaired} repairs`);
    assert.ok(dropped > 0 && gaps > 0 && repaired > 0, 'the loss hit the overlay and the ADU module repaired it');
    wb.lossOff(lossy);
    const cleanMs = await phase();
    t.diagnostic(`without the loss, its adu module found ${(await wb.moduleCounter(lossy, 'gapsDetected')) - gaps} more fragments missing`);
    const fmt = (xs: number[]): string => `p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms (n ${xs.length})`;
    for (const [j, v] of viewers.entries()) {
      t.diagnostic(`${v.name} (seed ${seed}): stroke to render with ${LOSS * 100} % loss: ${fmt(lossyMs[j]!)}; without: ${fmt(cleanMs[j]!)}`);
    }
    for (const xs of [...lossyMs, ...cleanMs]) assert.ok((percentile(xs, 99) as number) <= AGREE_MS, `p99 ${percentile(xs, 99)} ms`);
  });

  it('a viewer browsing freely keeps its slide on screen while the presenter draws elsewhere, and catches up when it follows again', async () => {
    const current = (await presenter.wb.current()) as number;
    await desktop.page.click('#next');
    await desktop.page.click('#next');
    const away = await desktop.shown();
    assert.ok(away !== null && away !== current, `the viewer browsed away from slide ${current} to ${away}`);
    await change('a stroke while one viewer browses', () => presenter.stroke(scribble()), [small, ...(late ? [late] : [])]);
    const want = JSON.stringify(await presenter.wb.model(current));
    await desktop.page.waitForFunction(`JSON.stringify(window.wb.model(${current})) === ${JSON.stringify(want)}`, undefined, { timeout: AGREE_MS });
    assert.equal(await desktop.shown(), away, 'the browsing viewer still shows its own slide');
    await desktop.page.click('#follow');
    await agree(presenter.wb, [desktop], 'following again', AGREE_MS);
  });

  it('no page had an error', () => {
    assert.deepEqual(pages.flatMap((p) => p.problems), []);
  });
});
