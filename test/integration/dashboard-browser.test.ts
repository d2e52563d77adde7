/**
 * The live dashboard in a real browser (Debian's chromium through playwright-core): the demo runs in this
 * process, the page loads, and the test waits until the drawn graph matches the nodes' own state: every node,
 * the session's mesh edges, the source's distribution tree, and the client at its SCX. Then it saves a
 * screenshot (test-artifacts/dashboard.png).
 */

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_DEFAULTS, runDemo, type Demo } from '../../src/demo/run-demo.ts';
import { tokenHeaders } from '../support/cluster-token.ts';
import { CHROMIUM, CHROMIUM_ARGS, needs } from '../support/prerequisite.ts';

/** What the graph shows, read from the DOM. */
interface Drawn {
  nodes: string[];
  mesh: string[];
  tree: string[];
  receivers: string[];
  status: string;
}

/** Reads the drawing; a string, so tsx's name-keeping helpers stay out of the browser's code. */
const READ_DRAWING = `(() => {
  const all = (sel, attrs) => [...document.querySelectorAll(sel)].map((e) => attrs.map((a) => e.getAttribute(a)).join(' ')).sort();
  return {
    nodes: all('#graph g.node', ['data-address']),
    mesh: all('#graph line.mesh', ['data-a', 'data-b']),
    tree: all('#graph path.tree', ['data-from', 'data-to']),
    receivers: all('#graph g.receiver', ['data-scx']),
    status: document.getElementById('status')?.textContent ?? '',
  };
})()`;

async function drawn(page: Page): Promise<Drawn> {
  return (await page.evaluate(READ_DRAWING)) as Drawn;
}

/** A node's `/state`, as much of it as the drawing shows. */
interface NodeState {
  address: string;
  sessions: Array<{ neighbours: string[]; routes: Array<{ source: string; upstream: string | null }> }>;
  clients: Array<{ role: string }>;
}

/**
 * The same, from outside the page's data path: the node ids the demo was configured with, and each node's own
 * `/state` read over HTTP from its admin server (mesh edges from its neighbours, tree edges from its routes'
 * upstreams, the client where a node serves a receiver), not `demo.snapshot()`, which feeds the page.
 */
async function expected(demo: Demo): Promise<Omit<Drawn, 'status'>> {
  const configured = demo.clusters.flatMap((c) => c.nodes);
  const states = await Promise.all(
    configured.map(async (n) => (await (await fetch(`http://${n.admin}/state`, { headers: tokenHeaders(n.running.trust.clusterToken), signal: AbortSignal.timeout(2000) })).json()) as NodeState),
  );
  const mesh = new Set<string>();
  const tree: string[] = [];
  const receivers: string[] = [];
  for (const [i, st] of states.entries()) {
    assert.equal(st.address, configured[i]!.scx, `the admin server at ${configured[i]!.admin} speaks for its node`);
    for (const s of st.sessions) {
      for (const peer of s.neighbours) mesh.add([st.address, peer].sort().join(' '));
      for (const r of s.routes) if (r.source === demo.source && r.upstream !== null) tree.push(`${r.upstream} ${st.address}`);
    }
    for (const c of st.clients) if (c.role === 'receive') receivers.push(st.address);
  }
  return { nodes: configured.map((n) => n.scx).sort(), mesh: [...mesh].sort(), tree: tree.sort(), receivers: receivers.sort() };
}

needs({ chromium: true }).describe('the dashboard in headless Chromium', { timeout: 120_000 }, () => {
  let demo: Demo;
  let browser: Browser;

  before(async () => {
    demo = await runDemo({ ...DEMO_DEFAULTS, dashboard: { host: '127.0.0.1', port: 0 }, seed: 5 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('draws the clusters, the mesh, the tree and the client as the nodes report them, live', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(demo.dashboardUrl);
    await page.waitForSelector('#graph g.node', { timeout: 15_000 });

    // The mesh keeps optimising; wait for a moment when the drawing and the nodes agree, then check it all.
    let last: { got: Drawn; want: Omit<Drawn, 'status'> } | undefined;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const got = await drawn(page);
      const want = await expected(demo);
      last = { got, want };
      const agree = JSON.stringify([got.nodes, got.mesh, got.tree, got.receivers]) === JSON.stringify([want.nodes, want.mesh, want.tree, want.receivers]);
      if (agree && want.tree.length === want.nodes.length - 1) break;
      if (Date.now() > deadline) assert.fail(`the drawing never matched the nodes' state:\n${JSON.stringify(last, null, 1)}`);
      await page.waitForTimeout(300);
    }
    const { got } = last;
    assert.equal(got.status, 'live');
    assert.equal(got.nodes.length, 9, 'every node is drawn');
    assert.ok(got.mesh.length >= 8, `a connected mesh of 9 SCXs has at least 8 edges: ${JSON.stringify(got)}`);
    assert.equal(got.tree.length, 8, 'the tree from the source reaches the 8 other SCXs');
    assert.deepEqual(got.receivers, [demo.client.answer.scx], 'the client is drawn at its SCX');
    const clusterLabels = await page.locator('#graph').textContent();
    for (const c of demo.clusters) assert.ok(clusterLabels?.includes(c.name), `cluster ${c.name} is labelled`);
    assert.equal(await page.locator('#graph g.node.source').getAttribute('data-address'), demo.source, 'the source SCX is marked');

    // Per-link rates and RTTs: one table row per tree edge, with the packets flowing on it.
    const rows = (await page.evaluate(`[...document.querySelectorAll('#links tbody tr[data-from]')].map((tr) => [...tr.cells].map((c) => c.textContent))`)) as string[][];
    assert.equal(rows.length, got.tree.length, 'one link row per tree edge');
    assert.ok(rows.some((r) => Number(r[2]) >= 1 && Number.isFinite(Number(r[4]))), `a tree link shows its rate and RTT: ${JSON.stringify(rows)}`);

    // Live: the page keeps getting snapshots.
    const at = Number(await page.evaluate('document.body.dataset.snapshotAt'));
    await page.waitForFunction(`Number(document.body.dataset.snapshotAt) > ${at}`, undefined, { timeout: 5000 });

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    t.diagnostic(`drew ${got.nodes.length} nodes, ${got.mesh.length} mesh edges, ${got.tree.length} tree edges; screenshot in test-artifacts/dashboard.png`);
    assert.deepEqual(problems, [], 'no errors in the page');
  });
});
