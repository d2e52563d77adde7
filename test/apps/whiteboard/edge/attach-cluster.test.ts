/** The attach path of a node whose frontend spreads sessions over a cluster: the placement picks the member. */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION, startBoardNodes, type BoardNode } from './board-nodes.ts';
import { openBoard } from './board-socket.ts';

describe('the whiteboard attach path in a cluster', { timeout: 30_000 }, () => {
  let nodes: BoardNode[] = [];
  before(async () => {
    nodes = await startBoardNodes(2, {}, true);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.running.stop()));
  });

  it('names the member the placement picked, and its WebSocket serves the presentation', async () => {
    assert.ok(nodes[0]!.running.placement, 'node 0 runs no placement');
    const members = new Map(nodes.map((n) => [n.running.node.self, n.admin.replace('http', 'ws')]));
    const res = await fetch(`${nodes[0]!.admin}/v1/whiteboard/attach?session=${encodeURIComponent(SESSION)}`);
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { session: string; scx: string; ws: string };
    assert.equal(answer.session, SESSION);
    assert.ok(members.has(answer.scx), `attach named ${answer.scx}, no member`);
    assert.equal(answer.ws, `${members.get(answer.scx)}/v1/whiteboard`);
    const b = await openBoard(`${answer.ws}?session=${encodeURIComponent(answer.session)}`);
    b.send({ t: 'hello', role: 'view', device: 'desktop', width: 1600 });
    assert.equal((await b.wait((x) => x.m.t === 'welcome')).m.scx, answer.scx);
    b.close();
  });
});
