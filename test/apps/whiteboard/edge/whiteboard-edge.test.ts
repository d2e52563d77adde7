/**
 * The whiteboard edge on two real nodes on loopback, browsers as `ws` clients in this process: a presenter on node 0,
 * viewers on node 1 (desktop and small), a late joiner, a refused credential, interest reaching the module.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { AduModule } from '../../../../src/services/adu/adu.ts';
import { pngHeader } from '../../../../src/apps/whiteboard/adapt/small-image.ts';
import { sessionIdHex } from '../../../../src/session/name.ts';
import { metric, SECRET, SESSION, startBoardNodes, type BoardNode } from './board-nodes.ts';
import { until, type BoardSocket } from './board-socket.ts';

const SLIDES = [1, 2, 3, 4];

function moduleAt(node: BoardNode): AduModule {
  const mod = node.running.node.sessions.get(sessionIdHex(SESSION))?.channels.get(1)?.runtime.module;
  assert.ok(mod instanceof AduModule, 'the presentation is not carried by the adu module');
  return mod;
}

/** The objects (not current) a browser got, as `slide:id@v` in order. */
const objs = (b: BoardSocket): string[] => b.got.filter((r) => r.m.t === 'obj').map((r) => `${r.m.slide}:${r.m.id}@${r.m.v}`);

describe('the whiteboard edge on two nodes', { timeout: 60_000 }, () => {
  let nodes: BoardNode[] = [];
  let presenter: BoardSocket;
  let photo: Buffer;
  const open: BoardSocket[] = [];

  before(async () => {
    nodes = await startBoardNodes(2, { smallWidth: 500 });
    photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 85 }).toBuffer();
  });

  after(async () => {
    for (const b of open) b.close();
    await Promise.all(nodes.map((n) => n.running.stop()));
  });

  it('answers the attach path with this node and its WebSocket', async () => {
    const res = await fetch(`${nodes[1]!.admin}/v1/whiteboard/attach`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(body, { session: SESSION, scx: nodes[1]!.running.node.self, ws: `${nodes[1]!.admin.replace('http', 'ws')}/v1/whiteboard` });
    const none = await fetch(`${nodes[1]!.admin}/v1/whiteboard/attach?session=${encodeURIComponent('scast://x.org/nope')}`);
    assert.equal(none.status, 404);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'ERR_WB_SESSION');
    const escape = await fetch(`${nodes[1]!.admin}/whiteboard/..%2fwhiteboard.ts`);
    assert.equal(escape.status, 404);
    const redirect = await fetch(`${nodes[1]!.admin}/whiteboard?device=small`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/whiteboard/?device=small');
    const page = await fetch(`${nodes[1]!.admin}/whiteboard/view.html`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  });

  it('refuses a presenter whose credential is wrong, with a code', async () => {
    const b = await nodes[0]!.open('&role=present');
    b.send({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential: 'not the secret at all' });
    const r = await b.wait((x) => x.m.t === 'refused');
    assert.equal(r.m.code, 'ERR_WB_CREDENTIAL');
    await b.waitClosed();
    assert.equal(await metric(nodes[0]!, 'scattercast_whiteboard_refusals_total', 'ERR_WB_CREDENTIAL'), 1);
  });

  it('carries a presenter\'s slides, objects and images to viewers on the other node', async () => {
    presenter = await nodes[0]!.open('&role=present');
    open.push(presenter);
    presenter.send({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential: SECRET });
    const welcome = await presenter.wait((x) => x.m.t === 'welcome');
    assert.equal(welcome.m.role, 'present');
    assert.equal(welcome.m.presentation, 'talk');
    assert.equal(welcome.m.current, null);
    const desktop = await nodes[1]!.open();
    const small = await nodes[1]!.open();
    open.push(desktop, small);
    desktop.send({ t: 'hello', role: 'view', device: 'desktop', width: 1400 });
    small.send({ t: 'hello', role: 'view', device: 'desktop', width: 360 });
    assert.equal((await small.wait((x) => x.m.t === 'welcome')).m.device, 'small');
    await desktop.wait((x) => x.m.t === 'welcome');
    // The presenter's tree reaches node 1 once the mesh has formed: the first slide is sent until it arrives.
    await until(() => nodes[1]!.running.node.sessions.get(sessionIdHex(SESSION))!.gossamer.routes.routes().next().done === false, 20_000, 'a route to the source');
    let id = 10;
    for (const s of SLIDES) {
      presenter.send({ t: 'obj', slide: s, id: id++, v: 1, kind: 'slide', body: { title: `Slide ${s}`, bg: '#ffffff' } });
      presenter.send({ t: 'obj', slide: s, id: id++, v: 1, kind: 'text', body: { x: 100, y: 100, text: `text ${s}`, size: 40, color: '#000000' } });
    }
    presenter.send({ t: 'obj', slide: 2, id: 50, v: 1, kind: 'image', body: { x: 0, y: 0, w: 800, h: 600, mime: 'image/jpeg' } });
    presenter.ws.send(photo);
    presenter.send({ t: 'current', slide: 2 });
    const state = (): string => `desktop ${objs(desktop)}, small ${objs(small)}, module at node 1 ${JSON.stringify(moduleAt(nodes[1]!).counters())}`;
    await until(() => objs(desktop).length === 9 && objs(small).length === 9, 15_000, () => `every object at both viewers (${state()})`);
    await desktop.wait((x) => x.m.t === 'current' && x.m.slide === 2, 5000);
    const big = desktop.got.find((x) => x.m.id === 50)!;
    assert.deepEqual(big.bytes, photo, 'the desktop viewer gets the original image');
    const little = small.got.find((x) => x.m.id === 50)!;
    await until(() => little.bytes !== undefined, 5000, 'the small image bytes');
    assert.equal((little.m.body as { mime: string }).mime, 'image/png');
    const header = pngHeader(little.bytes!);
    assert.equal(header?.bitDepth, 2);
    assert.equal(header?.colourType, 3);
    assert.ok(header!.width <= 360, `small image ${header?.width} px wide`);
    assert.ok(little.bytes!.length < photo.length * 0.25, `small image ${little.bytes!.length} B of ${photo.length} B`);
    assert.equal(presenter.got.filter((x) => x.m.t === 'error').length, 0, JSON.stringify(presenter.got.filter((x) => x.m.t === 'error')));
    assert.ok((await metric(nodes[1]!, 'scattercast_whiteboard_image_bytes_saved_total')) > 0);
    assert.equal(await metric(nodes[1]!, 'scattercast_whiteboard_viewers'), 2);
    assert.equal(await metric(nodes[0]!, 'scattercast_whiteboard_presenters'), 1);
  });

  it('gives a late joiner the current slide first, then the nearest slides', async () => {
    const late = await nodes[1]!.open();
    open.push(late);
    late.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    assert.equal((await late.wait((x) => x.m.t === 'welcome')).m.current, 2);
    assert.equal(late.got[0]!.m.t, 'welcome');
    await until(() => objs(late).length === 9, 5000, 'the late joiner\'s objects');
    const slides = late.got.filter((r) => r.m.t === 'obj').map((r) => r.m.slide);
    assert.deepEqual(slides, [2, 2, 2, 1, 1, 3, 3, 4, 4]);
  });

  it('a presenter\'s later version replaces the earlier one; a stale one is refused without closing', async () => {
    const viewer = await nodes[1]!.open();
    open.push(viewer);
    viewer.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    await viewer.wait((x) => x.m.t === 'welcome');
    presenter.send({ t: 'obj', slide: 1, id: 11, v: 2, kind: 'text', body: { x: 1, y: 1, text: 'edited', size: 40, color: '#ff0000' } });
    const got = await viewer.wait((x) => x.m.id === 11 && x.m.v === 2, 10_000);
    assert.equal((got.m.body as { text: string }).text, 'edited');
    presenter.send({ t: 'obj', slide: 1, id: 11, v: 1, kind: 'text', body: { x: 1, y: 1, text: 'old', size: 40, color: '#ff0000' } });
    const err = await presenter.wait((x) => x.m.t === 'error');
    assert.equal(err.m.code, 'ERR_WB_VERSION');
    assert.equal(err.m.id, 11);
    assert.equal(presenter.closed.done, false);
  });

  it('carries every version of an edited object, in order (edit-to-viewer latency as a diagnostic)', async (t) => {
    const viewer = await nodes[1]!.open();
    open.push(viewer);
    viewer.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    await viewer.wait((x) => x.m.t === 'welcome');
    const EDITS = 100;
    const sentAt: number[] = [];
    for (let v = 1; v <= EDITS; v++) {
      sentAt[v] = performance.now();
      presenter.send({ t: 'obj', slide: 1, id: 60, v, kind: 'text', body: { x: v, y: 1, text: `edit ${v}`, size: 40, color: '#000000' } });
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(() => viewer.got.some((x) => x.m.id === 60 && x.m.v === EDITS), 10_000, 'the last edit');
    const got = viewer.got.filter((x) => x.m.id === 60);
    assert.deepEqual(got.map((x) => x.m.v), Array.from({ length: EDITS }, (_, i) => i + 1), 'a version was lost or out of order');
    const ms = got.map((x) => x.at - (sentAt[x.m.v as number] as number)).sort((a, b) => a - b);
    t.diagnostic(`edit to viewer across 2 nodes on loopback: p50 ${ms[Math.floor(EDITS / 2)]!.toFixed(1)} ms, p99 ${ms[Math.ceil(EDITS * 0.99) - 1]!.toFixed(1)} ms (${EDITS} edits)`);
  });

  it('reports each viewer\'s slide as interest, which reaches the module here and is used upstream', async () => {
    const counter = (n: BoardNode, name: string): number => moduleAt(n).counters()[name] ?? 0;
    let v = 10;
    /** Edits slide `slide`'s text until node 0 sends one in `cls` to node 1 (interest travels in soft state). */
    const sentAs = async (slide: number, cls: 'freshHigh' | 'freshLow'): Promise<void> => {
      const deadline = performance.now() + 10_000;
      for (;;) {
        const before = counter(nodes[0]!, cls);
        presenter.send({ t: 'obj', slide, id: 10 + 2 * slide - 1, v: v++, kind: 'text', body: { x: 1, y: 1, text: `v${v}`, size: 40, color: '#000000' } });
        await new Promise((r) => setTimeout(r, 150));
        if (counter(nodes[0]!, cls) > before) return;
        assert.ok(performance.now() < deadline, `node 0 never sent slide ${slide} in class ${cls}`);
      }
    };
    const viewer = await nodes[1]!.open();
    open.push(viewer);
    viewer.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    await viewer.wait((x) => x.m.t === 'welcome');
    await sentAs(4, 'freshLow');
    const reported = counter(nodes[1]!, 'interestSent');
    viewer.send({ t: 'view', slide: 4 });
    await until(() => counter(nodes[1]!, 'interestSent') > reported, 5000, 'node 1 to report its new interest upstream');
    await sentAs(4, 'freshHigh');
    await sentAs(3, 'freshLow');
    viewer.close();
    await sentAs(4, 'freshLow');
  });

  it('a second presenter replaces the first', async () => {
    const second = await nodes[0]!.open('&role=present');
    open.push(second);
    second.send({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential: SECRET });
    const w = await second.wait((x) => x.m.t === 'welcome');
    assert.ok((w.m.nextId as number) > 50);
    const r = await presenter.wait((x) => x.m.t === 'refused');
    assert.equal(r.m.code, 'ERR_WB_REPLACED');
    await presenter.waitClosed();
  });
});
