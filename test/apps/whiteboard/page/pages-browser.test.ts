/**
 * The presenter and viewer pages in headless Chromium (playwright-core, Debian's chromium), against the in-test
 * relay (page-relay.ts, a test double of the edge: the real end-to-end test is test/integration/whiteboard-browser).
 * The presenter draws a stroke, a rectangle, a text and an image; each viewer's `wb.model()` must equal the
 * presenter's and the slide canvases must match pixel for pixel; then a late joiner, browsing (interest), a wrong
 * credential, hostile frames and a deck saved and loaded again.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, CHROMIUM_ARGS, needs } from '../../../support/prerequisite.ts';
import { startPageRelay, type PageRelay } from './page-relay.ts';

const SECRET = 'relay-secret';
const VIEWPORT = { width: 1400, height: 900 };

/** A photo-like test image: a colour gradient with a disc, as PNG. */
async function testImage(): Promise<Buffer> {
  const w = 480;
  const h = 320;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const inDisc = (x - 240) ** 2 + (y - 160) ** 2 < 90 ** 2;
      raw[i] = inDisc ? 250 : Math.round((x / w) * 255);
      raw[i + 1] = inDisc ? 200 : Math.round((y / h) * 255);
      raw[i + 2] = inDisc ? 40 : 128;
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** Collects page errors and console errors. */
function watch(page: Page, problems: string[], name: string): void {
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
  });
}

const model = (page: Page, slide: number): Promise<unknown> => page.evaluate(`wb.model(${slide})`);
const status = (page: Page): Promise<string | undefined> => page.evaluate(`document.body.dataset.status`);
/** The slide canvas's pixels as a data URL (the bitmap is always 1600x900). */
const pixels = (page: Page): Promise<string> => page.evaluate(`document.getElementById('slide').toDataURL('image/png')`);

/** Waits until `page`'s model of `slide` and its current slide equal the presenter's (and its canvas is drawn). */
async function converged(viewer: Page, presenter: Page, slide: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [want, got, wantCur, gotCur] = await Promise.all([model(presenter, slide), model(viewer, slide), presenter.evaluate('wb.current()'), viewer.evaluate('wb.current()')]);
    if (JSON.stringify(want) === JSON.stringify(got) && wantCur === gotCur) return;
    if (Date.now() > deadline) assert.deepEqual({ model: got, current: gotCur }, { model: want, current: wantCur }, 'the viewer caught up with the presenter');
    await viewer.waitForTimeout(50);
  }
}

/** Drags the mouse over the presenter's overlay through `points` (slide coordinates). */
async function drag(page: Page, points: Array<[number, number]>): Promise<void> {
  const box = await page.locator('#overlay').boundingBox();
  assert.ok(box, 'the overlay is on screen');
  const at = ([x, y]: [number, number]): [number, number] => [box.x + (x * box.width) / 1600, box.y + (y * box.height) / 900];
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) {
    await page.mouse.move(...at(p), { steps: 4 });
    await page.waitForTimeout(20);
  }
  await page.mouse.up();
}

needs({ chromium: true }).describe('the whiteboard pages in headless Chromium', { timeout: 120_000 }, () => {
  let relay: PageRelay;
  let browser: Browser;
  const problems: string[] = [];
  let presenter: Page; // the first test's presenter and viewer, kept for the later ones
  let viewer: Page;

  before(async () => {
    relay = await startPageRelay(SECRET);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('relays a presenter\'s stroke, rectangle, text and image to viewers that match it model for model and pixel for pixel', async (t) => {
    presenter = await browser.newPage({ viewport: VIEWPORT });
    watch(presenter, problems, 'presenter');
    await presenter.goto(`${relay.origin}/whiteboard/present.html#credential=${SECRET}`);
    await presenter.waitForFunction(`document.body.dataset.status === 'live'`);
    assert.equal(await presenter.evaluate('location.hash'), '', 'the credential leaves the address bar');
    viewer = await browser.newPage({ viewport: VIEWPORT });
    watch(viewer, problems, 'viewer');
    await viewer.goto(`${relay.origin}/whiteboard/view.html`);
    await viewer.waitForFunction(`document.body.dataset.status === 'live'`);

    await presenter.click('#new-slide');
    await presenter.check('input[name="tool"][value="pen"]');
    await drag(presenter, [[200, 200], [400, 260], [600, 220], [700, 400], [500, 500]]);
    await presenter.check('input[name="tool"][value="rect"]');
    await presenter.check('#filled');
    await drag(presenter, [[900, 150], [1300, 450]]);
    await presenter.check('input[name="tool"][value="text"]');
    const box = (await presenter.locator('#overlay').boundingBox())!;
    await presenter.mouse.click(box.x + (150 * box.width) / 1600, box.y + (650 * box.height) / 900);
    await presenter.locator('#text-input').fill('Selective reliability');
    await presenter.locator('#text-input').press('Enter');
    const png = await testImage();
    await presenter.setInputFiles('#image-file', { name: 'photo.png', mimeType: 'image/png', buffer: png });

    await presenter.waitForFunction(`wb.model(1).map((o) => o.kind).join() === 'slide,stroke,rect,text,image'`);
    const objects = (await model(presenter, 1)) as Array<{ id: number; v: number; kind: string; body: Record<string, unknown> }>;
    const stroke = objects.find((o) => o.kind === 'stroke')!;
    assert.ok(stroke.v >= 2, `the stroke went out in versions while drawn (v${stroke.v})`);
    assert.ok((stroke.body.points as unknown[]).length >= 5, 'the stroke has its points');
    assert.deepEqual(objects.find((o) => o.kind === 'image')!.body, { x: 560, y: 290, w: 480, h: 320, mime: 'image/png' }, 'the image is centred, at its size when it fits the slide');

    await converged(viewer, presenter, 1);
    const image = objects.find((o) => o.kind === 'image')!;
    await viewer.waitForFunction(`wb.rendered.some((r) => r.id === ${image.id})`);
    await presenter.waitForFunction(`wb.rendered.some((r) => r.id === ${image.id})`);
    assert.deepEqual(await viewer.evaluate(`wb.imageInfo(${image.id})`), { bytes: png.length, mime: 'image/png', width: 480, height: 320, bitDepth: 8, colorType: 2 });
    const sent = (await presenter.evaluate('wb.sent')) as Array<{ id: number; v: number; at: number }>;
    assert.ok(sent.some((s) => s.id === stroke.id && s.v === stroke.v), 'the final stroke version is in wb.sent');
    assert.ok((await pixels(viewer)) === (await pixels(presenter)), 'the viewer\'s slide canvas equals the presenter\'s, pixel for pixel');
    const sentAt = new Map(sent.map((s) => [`${s.id}:${s.v}`, s.at]));
    const lags = ((await viewer.evaluate('wb.rendered')) as Array<{ id: number; v: number; at: number }>).flatMap((r) => (sentAt.has(`${r.id}:${r.v}`) ? [r.at - sentAt.get(`${r.id}:${r.v}`)!] : []));
    assert.ok(lags.length >= 4, 'the viewer drew versions the presenter sent');
    t.diagnostic(`sent -> drawn through the loopback relay: ${lags.length} versions, max ${Math.max(...lags)} ms`);

    const [a, b] = await Promise.all([presenter.locator('#frame').screenshot(), viewer.locator('#frame').screenshot()]);
    const [ra, rb] = await Promise.all([sharp(a).raw().toBuffer({ resolveWithObject: true }), sharp(b).raw().toBuffer({ resolveWithObject: true })]);
    assert.deepEqual([rb.info.width, rb.info.height], [ra.info.width, ra.info.height], 'the slides are shown at one size');
    let differ = 0;
    for (let i = 0; i < ra.data.length; i++) if (Math.abs(ra.data[i]! - rb.data[i]!) > 8) differ++;
    t.diagnostic(`screenshots ${ra.info.width}x${ra.info.height}: ${differ} of ${ra.data.length} channel values differ by more than 8`);
    assert.ok(differ / ra.data.length < 0.001, 'the screenshots of presenter and viewer match');
    mkdirSync('test-artifacts', { recursive: true });
    await presenter.screenshot({ path: 'test-artifacts/whiteboard-presenter.png' });
    await viewer.screenshot({ path: 'test-artifacts/whiteboard-viewer.png' });

    // A second slide, then back: the viewer follows.
    await presenter.click('#new-slide');
    await presenter.check('input[name="tool"][value="pen"]');
    await drag(presenter, [[300, 300], [900, 600]]);
    await converged(viewer, presenter, 2);
    assert.equal(await viewer.evaluate('wb.shown()'), 2, 'the viewer follows the presenter to slide 2');
    await presenter.keyboard.press('ArrowLeft');
    await viewer.waitForFunction('wb.shown() === 1 && wb.current() === 1');
    assert.deepEqual(problems, []);
  });

  it('gives a late joiner the current slide, lets a viewer browse (its interest), and shows a small device compactly', async () => {
    const late = await browser.newPage({ viewport: { width: 420, height: 800 } });
    watch(late, problems, 'late');
    await late.goto(`${relay.origin}/whiteboard/view.html?device=small`);
    await late.waitForFunction('wb.shown() === 1 && wb.model(1).length === 5 && wb.model(2).length === 2');
    assert.equal(await late.evaluate('document.body.dataset.device'), 'small');
    assert.equal(await late.locator('#strip').isVisible(), false, 'a small device has no slide strip');
    const client = relay.clients.at(-1)!;
    assert.equal(client.device, 'small');
    assert.deepEqual(client.views, [1], 'the late joiner reports the slide on its screen');

    await late.click('#next');
    await late.waitForFunction('wb.shown() === 2');
    assert.equal(await late.getAttribute('#follow', 'aria-pressed'), 'false', 'browsing leaves follow mode');
    assert.deepEqual(client.views, [1, 2], 'browsing changes the interest');
    await late.click('#follow');
    await late.waitForFunction('wb.shown() === 1');
    assert.deepEqual(client.views, [1, 2, 1]);
    await late.screenshot({ path: 'test-artifacts/whiteboard-small-viewer.png' });
    assert.deepEqual(problems, []);
  });

  it('refuses hostile frames from the SCX without breaking', async () => {
    const target = await browser.newPage({ viewport: VIEWPORT });
    watch(target, problems, 'hostile');
    await target.goto(`${relay.origin}/whiteboard/view.html`);
    await target.waitForFunction('wb.model(1).length === 5 && wb.rendered.length === 5');
    const before = await pixels(target);
    relay.toLatest([
      'not json', '[]', 'null', JSON.stringify({ t: 'obj', slide: 1, id: 900, v: 1, kind: 'stroke', body: { points: [], color: '#000000', width: 3 } }),
      JSON.stringify({ t: 'obj', slide: 1, id: 901, v: 1, kind: 'text', body: { x: 1e9, y: 0, text: 'x', size: 20, color: '#000000' } }),
      JSON.stringify({ t: 'obj', slide: 0, id: 1, v: 1, kind: 'slide', body: { title: '', bg: '#000000' } }),
      JSON.stringify({ t: 'obj', slide: 1, id: 902, v: 1, kind: 'rect', body: { x: 0, y: 0, w: 10, h: 10, color: 'red', width: 1, fill: null } }),
      JSON.stringify({ t: 'obj', slide: 1, id: 1, v: 1, kind: 'slide', body: { title: 'stale', bg: '#000000' } }),
      JSON.stringify({ t: 'current', slide: -4 }), Buffer.from([1, 2, 3]),
      JSON.stringify({ t: 'obj', slide: 1, id: 903, v: 1, kind: 'image', body: { x: 0, y: 0, w: 10, h: 10, mime: 'image/png' } }), Buffer.from('not a png'),
    ]);
    await target.waitForFunction('wb.stats().invalid >= 4 && wb.stats().stale >= 1');
    await target.waitForTimeout(200);
    assert.deepEqual(((await model(target, 1)) as Array<{ id: number }>).map((o) => o.id).includes(902), false);
    assert.equal(await target.evaluate('wb.current()'), 1, 'a bad current slide is ignored');
    assert.ok((await pixels(target)) === before, 'nothing hostile was drawn');
    assert.deepEqual(problems, []);
  });

  it('asks the presenter for the credential again when it is refused', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    watch(page, problems, 'wrong credential');
    await page.goto(`${relay.origin}/whiteboard/present.html#credential=wrong`);
    await page.waitForSelector('#credential-form:not([hidden])');
    assert.equal(await page.getAttribute('#message', 'data-code'), 'ERR_WB_CREDENTIAL');
    assert.match((await page.textContent('#message')) ?? '', /credential is wrong/);
    await page.fill('#credential', SECRET);
    await page.click('#credential-form button[type="submit"]');
    await page.waitForFunction(`document.body.dataset.status === 'live' && wb.model(1).length === 5`);
    assert.equal(await status(page), 'live');
    await page.close();
    assert.deepEqual(problems.filter((p) => !p.includes('WebSocket')), []);
  });

  it('deletes the selected object everywhere', async () => {
    const rect = ((await model(presenter, 1)) as Array<{ id: number; kind: string }>).find((o) => o.kind === 'rect')!;
    await presenter.check('input[name="tool"][value="select"]');
    const box = (await presenter.locator('#overlay').boundingBox())!;
    await presenter.mouse.click(box.x + (1250 * box.width) / 1600, box.y + (200 * box.height) / 900);
    await presenter.keyboard.press('Delete');
    await viewer.waitForFunction(`!wb.model(1).some((o) => o.id === ${rect.id})`);
    await converged(viewer, presenter, 1);
    assert.equal(((await model(presenter, 1)) as unknown[]).length, 4);
  });

  it('saves the presentation as a deck file and loads it into a new one', async () => {
    const [download] = await Promise.all([presenter.waitForEvent('download'), presenter.click('#save')]);
    const text = readFileSync((await download.path())!, 'utf8');
    const deck = JSON.parse(text) as { format: string; current: number; slides: Array<{ slide: number; objects: Array<{ kind: string; data?: string }> }> };
    assert.equal(deck.format, 'scattercast-whiteboard');
    assert.deepEqual(deck.slides.map((s) => [s.slide, s.objects.length]), [[1, 4], [2, 2]]);
    assert.ok(deck.slides[0]!.objects.find((o) => o.kind === 'image')?.data, 'the image is in the file');

    const fresh = await startPageRelay(SECRET, 'Loaded talk');
    try {
      const loader = await browser.newPage({ viewport: VIEWPORT });
      watch(loader, problems, 'loader');
      await loader.goto(`${fresh.origin}/whiteboard/present.html#credential=${SECRET}`);
      await loader.waitForFunction(`document.body.dataset.status === 'live'`);
      const watcher = await browser.newPage({ viewport: VIEWPORT });
      await watcher.goto(`${fresh.origin}/whiteboard/view.html`);
      await watcher.waitForFunction(`document.body.dataset.status === 'live'`);
      await loader.setInputFiles('#deck-file', { name: 'talk.json', mimeType: 'application/json', buffer: Buffer.from(text) });
      await loader.waitForFunction('wb.model(1).length === 4 && wb.model(2).length === 2');
      const strip = (slide: number) => async (p: Page) => ((await model(p, slide)) as Array<{ v: number }>).map(({ v: _v, ...o }) => o);
      for (const slide of [1, 2]) assert.deepEqual(await strip(slide)(loader), await strip(slide)(presenter), `slide ${slide} is as saved`);
      await converged(watcher, loader, 1);
      await converged(watcher, loader, 2);
      await watcher.waitForFunction(`wb.rendered.length >= 4`);
      await loader.waitForFunction(`wb.rendered.length >= 4`);
      await watcher.waitForTimeout(200);
      assert.ok((await pixels(loader)) === (await pixels(presenter)), 'the loaded slide draws as the saved one did');
      assert.ok((await pixels(watcher)) === (await pixels(loader)), 'the viewer of the loaded deck draws it as its presenter');
    } finally {
      await fresh.close();
    }
    assert.deepEqual(problems, []);
  });
});
