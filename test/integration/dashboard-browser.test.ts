/**
 * The live dashboard in a real browser (Debian's chromium through playwright-core): the demo runs in this
 * process, the page loads, and the test waits until the drawn graph matches the nodes' own state: every node,
 * the session's mesh edges, the source's distribution tree, and the client at its SCX. Then it saves a
 * screenshot (test-artifacts/dashboard.png).
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_DEFAULTS, runDemo, type Demo } from '../../src/demo/run-demo.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium; .ci/run does)`;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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

/** The same, from the nodes' state at this instant. */
function expected(demo: Demo): Omit<Drawn, 'status'> {
  const snap = demo.snapshot();
  const mesh = new Set<string>();
  const tree: string[] = [];
  for (const n of snap.nodes) {
    for (const s of n.sessions) {
      for (const peer of s.neighbours) mesh.add([n.address, peer].sort().join(' '));
      for (const r of s.routes) if (r.source === demo.source && r.upstream !== null) tree.push(`${r.upstream} ${n.address}`);
    }
  }
  return { nodes: snap.nodes.map((n) => n.address).sort(), mesh: [...mesh].sort(), tree: tree.sort(), receivers: snap.receivers.map((r) => r.scx).sort() };
}

describe('the dashboard in headless Chromium', { skip, timeout: 120_000 }, () => {
  let demo: Demo;
  let browser: Browser;

  before(async () => {
    demo = await runDemo({ ...DEMO_DEFAULTS, dashboard: { host: '127.0.0.1', port: 0 }, seed: 5 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
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
      const want = expected(demo);
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
