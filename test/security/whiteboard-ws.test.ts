/**
 * Hostile browsers and hostile ADUs at a whiteboard node: every bad message gets a typed refusal (the socket closed,
 * or for a presenter's bad edit a non-fatal error), counted by code on /metrics; nothing escapes as an uncaught
 * exception, and the node goes on serving.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { fragmentAdu } from '../../src/services/adu/wire/adu.ts';
import { sessionIdHex } from '../../src/session/name.ts';
import { VIEWER_MAX_MESSAGE } from '../../src/apps/whiteboard/edge/board-client.ts';
import { MAX_PRESENTER_SOCKETS_PER_ADDRESS } from '../../src/apps/whiteboard/whiteboard.ts';
import { metric, SECRET, SESSION, startBoardNodes, type BoardNode } from '../apps/whiteboard/edge/board-nodes.ts';
import { openBoard, until, type BoardSocket } from '../apps/whiteboard/edge/board-socket.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

const MAX_VIEWERS = 6;
const HELLO = { t: 'hello', role: 'view', device: 'desktop', width: 1600 };

describe('a whiteboard node under hostile browsers', { timeout: 60_000 }, () => {
  let node: BoardNode;
  let uncaught: UncaughtWatch;

  before(async () => {
    uncaught = watchUncaught();
    [node] = (await startBoardNodes(1, { maxViewers: MAX_VIEWERS })) as [BoardNode];
  });

  after(async () => {
    await node.running.stop();
    uncaught.stop();
  });

  /** Opens a socket, sends `frames` and expects a `refused` with `code`, then the close. */
  async function refusedWith(code: string, frames: Array<string | Buffer>, query = ''): Promise<void> {
    const before = await metric(node, 'scattercast_whiteboard_refusals_total', code);
    const b = await node.open(query);
    for (const f of frames) b.ws.send(f);
    const r = await b.wait((x) => x.m.t === 'refused');
    assert.equal(r.m.code, code, JSON.stringify(r.m));
    await b.waitClosed();
    assert.equal(await metric(node, 'scattercast_whiteboard_refusals_total', code), before + 1);
  }

  async function presenter(): Promise<BoardSocket> {
    const b = await node.open('&role=present');
    b.send({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential: SECRET });
    await b.wait((x) => x.m.t === 'welcome');
    return b;
  }

  it('refuses a first message that is not a valid hello', async () => {
    await refusedWith('ERR_WB_HELLO', ['{not json']);
    await refusedWith('ERR_WB_HELLO', ['[1,2]']);
    await refusedWith('ERR_WB_HELLO', [JSON.stringify({ t: 'view', slide: 1 })]);
    await refusedWith('ERR_WB_HELLO', [JSON.stringify({ ...HELLO, role: 'admin' })]);
    await refusedWith('ERR_WB_HELLO', [JSON.stringify({ ...HELLO, width: -1 })]);
    await refusedWith('ERR_WB_HELLO', [JSON.stringify({ ...HELLO, role: 'present', credential: 'x'.repeat(2000) })]);
    await refusedWith('ERR_WB_CREDENTIAL', [JSON.stringify({ ...HELLO, role: 'present' })]);
  });

  it('refuses viewers that send too much, edits, unknown messages, stray binary frames or a second hello', async () => {
    await refusedWith('ERR_WB_MESSAGE_SIZE', [JSON.stringify({ t: 'hello', pad: 'x'.repeat(VIEWER_MAX_MESSAGE) })]);
    await refusedWith('ERR_WB_NOT_PRESENTER', [JSON.stringify(HELLO), JSON.stringify({ t: 'obj', slide: 1, id: 5, v: 1, kind: 'slide', body: { title: 'x', bg: '#000000' } })]);
    await refusedWith('ERR_WB_NOT_PRESENTER', [JSON.stringify(HELLO), JSON.stringify({ t: 'current', slide: 1 })]);
    await refusedWith('ERR_WB_MESSAGE', [JSON.stringify(HELLO), JSON.stringify({ t: 'shutdown' })]);
    await refusedWith('ERR_WB_MESSAGE', [JSON.stringify(HELLO), JSON.stringify({ t: 'view', slide: 70000 })]);
    await refusedWith('ERR_WB_MESSAGE', [JSON.stringify(HELLO), JSON.stringify(HELLO)]);
    await refusedWith('ERR_WB_IMAGE_FRAME', [JSON.stringify(HELLO), Buffer.from([1, 2, 3])]);
  });

  it('cuts a frame past the socket\'s maxPayload, counted', async () => {
    const before = await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_MESSAGE_SIZE');
    const b = await node.open();
    b.ws.send(Buffer.alloc(300 * 1024));
    await b.waitClosed();
    assert.equal(b.closed.code, 1009);
    assert.equal(await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_MESSAGE_SIZE'), before + 1);
  });

  it('answers a presenter\'s bad edits with errors, and a broken image sequence with a refusal', async () => {
    const p = await presenter();
    const edits: Array<[Record<string, unknown>, string]> = [
      [{ t: 'obj', slide: 1, id: 5, v: 1, kind: 'slide', body: { title: 'x', bg: 'red' } }, 'ERR_WB_BODY'],
      [{ t: 'obj', slide: 1, id: 6, v: 1, kind: 'blob', body: {} }, 'ERR_WB_BODY'],
      [{ t: 'obj', slide: 1, id: 7, v: 1, kind: 'stroke', body: { points: [[0, Number.MAX_VALUE]], color: '#000000', width: 2 } }, 'ERR_WB_BODY'],
      [{ t: 'obj', slide: 1, id: 8, v: 1, kind: 'text', body: { x: 0, y: 0, text: 'x', size: 20, color: '#000000', script: 'alert(1)' } }, 'ERR_WB_BODY'],
      [{ t: 'obj', slide: 1, id: 1, v: 9, kind: 'slide', body: { title: 'x', bg: '#000000' } }, 'ERR_WB_BODY'],
      [{ t: 'obj', slide: 2, id: 30, v: 1, kind: 'slide', body: { title: 'x', bg: '#000000' } }, ''],
      [{ t: 'obj', slide: 3, id: 30, v: 2, kind: 'slide', body: { title: 'x', bg: '#000000' } }, 'ERR_WB_BODY'],
    ];
    for (const [m, code] of edits) {
      const from = p.got.length;
      p.send(m);
      if (code === '') continue;
      const e = await p.wait((x) => x.m.t === 'error', 5000, from);
      assert.equal(e.m.code, code);
      assert.equal(e.m.id, m.id);
    }
    const from = p.got.length;
    p.send({ t: 'obj', slide: 1, id: 9, v: 1, kind: 'image', body: { x: 0, y: 0, w: 10, h: 10, mime: 'image/png' } });
    p.ws.send(Buffer.from('this is no image'));
    assert.equal((await p.wait((x) => x.m.t === 'error', 5000, from)).m.code, 'ERR_WB_BODY');
    assert.equal(p.closed.done, false);
    assert.equal(await metric(node, 'scattercast_whiteboard_objects'), 1, 'a refused edit was kept');
    p.send({ t: 'obj', slide: 1, id: 9, v: 1, kind: 'image', body: { x: 0, y: 0, w: 10, h: 10, mime: 'image/png' } });
    p.send({ t: 'view', slide: 1 });
    assert.equal((await p.wait((x) => x.m.t === 'refused')).m.code, 'ERR_WB_IMAGE_FRAME');
    await p.waitClosed();
  });

  it('drops hostile ADUs from the network, counted, and keeps good ones', async () => {
    const session = node.running.node.sessions.get(sessionIdHex(SESSION))!;
    let next = 100;
    // Object ids are unique in a presentation: the module drops a second version 1 of one as stale.
    const adu = (presentation: string, slide: number, kind: number, body: string, object = ++next): Uint8Array[] =>
      fragmentAdu({ presentation, slide, object, version: 1, kind, reliability: 'best-effort' }, Buffer.from(body), 0);
    const bodyBefore = await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_BODY');
    const aduBefore = await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_ADU');
    session.inject(1, 'evil', adu('talk', 900, 2, '{"x":'));
    session.inject(1, 'evil', adu('talk', 900, 99, '{}'));
    session.inject(1, 'evil', adu('other', 900, 1, '{"title":"t","bg":"#000000"}'));
    session.inject(1, 'evil', adu('talk', 0, 1, '{"title":"t","bg":"#000000"}'));
    session.inject(1, 'evil', adu('talk', 900, 7, '{"slide":3}', 1));
    session.inject(1, 'evil', adu('talk', 901, 1, '{"title":"good","bg":"#000000"}'));
    await until(() => node.running.whiteboard!.presentations.get(SESSION)!.model.get(901, next) !== undefined, 5000, 'the good ADU');
    assert.equal(await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_BODY'), bodyBefore + 2);
    assert.equal(await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_ADU'), aduBefore + 3);
  });

  it('refuses browsers past maxViewers, and unknown sessions at the upgrade', async () => {
    const kept: BoardSocket[] = [];
    for (let i = 0; i < MAX_VIEWERS; i++) {
      const b = await node.open();
      b.send(HELLO);
      await b.wait((x) => x.m.t === 'welcome');
      kept.push(b);
    }
    await refusedWith('ERR_WB_VIEWERS', []);
    const refused = new WebSocket(`${node.admin.replace('http', 'ws')}/v1/whiteboard?session=${encodeURIComponent('scast://x.org/none')}`);
    const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    refused.on('error', () => undefined);
    assert.equal(status, 404);
    for (const b of kept) b.close();
    await until(() => node.running.whiteboard!.presentations.get(SESSION)!.browsers.size === 0, 5000, 'the viewers to leave');
    const fresh = await node.open();
    fresh.send(HELLO);
    await fresh.wait((x) => x.m.t === 'welcome');
    fresh.close();
    assert.deepEqual(uncaught.errors, []);
  });
  it('keeps a stranger from holding every presenter socket: a cap per address, and the presenter gets in from its own', async () => {
    const url = `${node.admin.replace('http', 'ws')}/v1/whiteboard?session=${encodeURIComponent(SESSION)}&role=present`;
    const held: BoardSocket[] = [];
    for (let i = 0; i < MAX_PRESENTER_SOCKETS_PER_ADDRESS; i++) held.push(await openBoard(url, '127.0.0.1'));
    const before = await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_VIEWERS');
    const more = new WebSocket(url, { localAddress: '127.0.0.1' });
    more.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      more.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      more.once('open', () => resolve(101));
    });
    more.close();
    assert.equal(status, 503, 'one more presenter socket from the same address is refused');
    assert.equal(await metric(node, 'scattercast_whiteboard_refusals_total', 'ERR_WB_VIEWERS'), before + 1);
    const presenter = await openBoard(url, '127.0.0.2');
    presenter.send({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential: SECRET });
    const welcome = await presenter.wait((x) => x.m.t === 'welcome');
    assert.equal(welcome.m.role, 'present');
    presenter.close();
    for (const b of held) b.close();
    // The address's sockets are counted until their connections close: then it may open one again (20 tries, 50 ms apart).
    let again: BoardSocket | undefined;
    for (let i = 0; i < 20 && again === undefined; i++) {
      again = await openBoard(url, '127.0.0.1').catch(async () => void (await new Promise((r) => setTimeout(r, 50))));
    }
    assert.ok(again, 'the address may open a presenter socket again once its others closed');
    again.close();
    assert.deepEqual(uncaught.errors, []);
  });
});
