/** A deck loaded into a node's presentation reaches its viewers as a presenter's edits would, ids made unique. */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDeck, renderDeck } from '../../../../src/apps/whiteboard/deck/deck-file.ts';
import { ErrorCode, ScError } from '../../../../src/core/errors.ts';
import { SESSION, startBoardNodes, type BoardNode } from './board-nodes.ts';
import { until } from './board-socket.ts';

const slideBody = (title: string) => ({ title, bg: '#ffffff' });
const textBody = { x: 10, y: 20, text: 'hello', size: 30, color: '#000000' };

// Ids are unique per slide in a deck: slide 2 reuses 1 and 2.
const DECK = parseDeck(
  renderDeck({
    title: 'Deck',
    current: 2,
    slides: [
      { slide: 1, objects: [{ id: 1, kind: 'slide', body: slideBody('one') }, { id: 2, kind: 'text', body: textBody }] },
      { slide: 2, objects: [{ id: 1, kind: 'slide', body: slideBody('two') }, { id: 2, kind: 'text', body: textBody }] },
    ],
  }),
);

describe('loading a deck into a presentation', { timeout: 30_000 }, () => {
  let node: BoardNode;
  before(async () => {
    [node] = (await startBoardNodes(1)) as [BoardNode];
  });
  after(async () => {
    await node.running.stop();
  });

  it('publishes every object with presentation-unique ids, then the current slide', async () => {
    const viewer = await node.open();
    viewer.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    await viewer.wait((x) => x.m.t === 'welcome');
    node.running.whiteboard!.loadDeck(SESSION, DECK);
    await viewer.wait((x) => x.m.t === 'current' && x.m.slide === 2);
    const objs = viewer.got.filter((r) => r.m.t === 'obj').map((r) => [r.m.slide, r.m.id, r.m.v]);
    assert.equal(objs.length, 4);
    const ids = objs.map((o) => o[1] as number);
    assert.equal(new Set(ids).size, 4, `ids ${ids} are not unique`);
    assert.ok(!ids.includes(1), 'id 1 is the current pointer\'s');
    assert.ok(ids.includes(2), 'a deck\'s id is kept where it can be');
    node.running.whiteboard!.loadDeck(SESSION, DECK);
    await until(() => viewer.got.filter((r) => r.m.t === 'obj' && r.m.v === 2).length === 4, 5000, 'the reloaded deck\'s second versions');
    assert.equal(node.running.whiteboard!.presentations.get(SESSION)!.model.objects, 5);
    assert.throws(() => node.running.whiteboard!.loadDeck('scast://x.org/none', DECK), (err: unknown) => err instanceof ScError && err.code === ErrorCode.WB_SESSION);
    viewer.close();
  });
});
