/**
 * `scattercast whiteboard`, run as a user runs it: `--help` answers; a missing or bad `--deck` is refused with one
 * line, its code and exit status 2; the command prints a presenter URL and a viewer URL, the viewer's attach path
 * answers, WebSocket viewers get a deck's objects (each image followed by its bytes; a late joiner's current slide
 * first, then the nearest), the presenter URL's credential is taken and a wrong one refused, and Ctrl-C stops
 * everything with status 0, leaving no port behind.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { BUILTIN_DECK } from '../../src/demo/run-whiteboard.ts';
import { runCliSync } from '../support/cli.ts';

/** Whether a TCP port on 127.0.0.1 can be listened on again. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** One object version a viewer received: its JSON, and the bytes of an image. */
interface Received {
  readonly slide: number;
  readonly id: number;
  readonly kind: string;
  bytes?: number;
}

/** A deck in a file, as the test knows it: the current slide, and every (slide, id) with its kind. */
interface DeckSeen {
  readonly current: number;
  readonly objects: ReadonlyMap<string, string>;
}

/** The sample deck with its current slide moved to `current` (so that "current first" is not "first slide first"), written to `path`. */
function sampleDeckAt(path: string, current: number): DeckSeen {
  const deck = JSON.parse(readFileSync(BUILTIN_DECK, 'utf8')) as { current: number; slides: Array<{ slide: number; objects: Array<{ id: number; kind: string }> }> };
  assert.ok(deck.slides.length >= 3 && deck.slides.some((s) => s.slide === current), 'the sample deck has slides before and after the current one');
  writeFileSync(path, JSON.stringify({ ...deck, current }));
  const objects = new Map<string, string>();
  for (const s of deck.slides) for (const o of s.objects) objects.set(`${s.slide}/${o.id}`, o.kind);
  return { current, objects };
}

/** What one WebSocket viewer got until it held every object of the deck (images with their bytes). */
interface Viewed {
  readonly socket: WebSocket;
  readonly welcome: { readonly current: number | null; readonly presentation: string };
  /** The presenter's current slide as last told (the welcome, then `current` messages). */
  readonly current: number | null;
  readonly got: readonly Received[];
  /** From open to the current slide's last object, ms. */
  readonly currentMs: number;
  /** From open to the deck's last object, ms. */
  readonly allMs: number;
}

/** Opens a desktop viewer at `url` and collects object versions until it has the whole deck (15 s at most). */
function viewDeck(url: string, deck: DeckSeen, logs: () => string): Promise<Viewed> {
  const wanted = [...deck.objects.keys()].filter((k) => deck.objects.get(k) !== 'deleted');
  const onCurrent = wanted.filter((k) => k.startsWith(`${deck.current}/`));
  const got: Received[] = [];
  const opened = performance.now();
  const socket = new WebSocket(url);
  let welcome: Viewed['welcome'] | undefined;
  let currentMs: number | undefined;
  let current: number | null = null;
  return new Promise<Viewed>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(`${why}; the viewer has ${got.length} of ${wanted.length} objects\n${logs()}`));
    };
    const timer = setTimeout(() => fail('15 s passed'), 15_000);
    socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', role: 'view', device: 'desktop', width: 1600 })));
    socket.once('error', (e) => fail(e.message));
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) {
        const last = got[got.length - 1];
        if (last?.kind !== 'image' || last.bytes !== undefined) return fail('a binary frame not right after an image object');
        last.bytes = data.length;
      } else {
        const m = JSON.parse(data.toString()) as { t: string; slide: number; id: number; kind: string; current: number | null; presentation: string };
        if (m.t === 'welcome') ({ current } = welcome = m);
        if (m.t === 'current') current = m.slide;
        if (m.t === 'refused') return fail(`refused: ${data.toString()}`);
        if (m.t === 'obj' && m.slide >= 1) got.push({ slide: m.slide, id: m.id, kind: m.kind });
      }
      const seen = new Set(got.map((o) => `${o.slide}/${o.id}`));
      if (currentMs === undefined && onCurrent.every((k) => seen.has(k))) currentMs = performance.now() - opened;
      if (welcome && current !== null && wanted.every((k) => seen.has(k)) && got.every((o) => o.kind !== 'image' || o.bytes !== undefined)) {
        clearTimeout(timer);
        resolve({ socket, welcome, current, got, currentMs: currentMs ?? 0, allMs: performance.now() - opened });
      }
    });
  });
}

/** The first answer to a presenter's hello with `credential` at `url`: its `t` and `role`, or `code` when refused. */
function presentWith(url: string, credential: string): Promise<{ t: string; role?: string; code?: string }> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to a presenter hello within 5 s')), 5000);
    socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', role: 'present', device: 'desktop', width: 1600, credential })));
    socket.once('error', reject);
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(JSON.parse(data.toString()) as { t: string; role?: string; code?: string });
    });
  });
}

describe('scattercast whiteboard', { timeout: 90_000 }, () => {
  it('answers --help with its options and their units', () => {
    const r = runCliSync(['whiteboard', '--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const flag of ['--clusters <n>', '--nodes <n>', '--deck <file>', '--port <port>', '--small-width <px>', '--dashboard-port <port>', '--seed <n>', '--no-distances', '--duration <s>', '--log-level <level>']) {
      assert.ok(r.stdout.includes(flag), `--help lists ${flag}:\n${r.stdout}`);
    }
    assert.match(r.stdout.replace(/\s+/g, ' '), /prints a presenter URL and a viewer URL/);
    const demo = runCliSync(['demo', '--help']);
    assert.match(demo.stdout.replace(/\s+/g, ' '), /choices: "stream", "radio", "whiteboard"/);
  });

  it('refuses a missing deck, a bad deck and bad flags with one line, its code and exit status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cli-'));
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ format: 'scattercast-whiteboard', version: 1, title: 't', current: 1, slides: [{ slide: 1, objects: [{ id: 2, kind: 'text', body: { x: 'left' } }] }] }));
      const notJson = join(dir, 'not.json');
      writeFileSync(notJson, '{ "format": ');
      const cases: Array<[string[], RegExp]> = [
        [['--deck', join(dir, 'missing.json')], /^scattercast: .*missing\.json.* \(ERR_WB_DECK_\w+\)\n$/],
        [['--deck', bad], /^scattercast: .*slides\[0\]\.objects\[0\].* \(ERR_WB_DECK_\w+\)\n$/],
        [['--deck', notJson], /^scattercast: .* \(ERR_WB_DECK_\w+\)\n$/],
        [['--clusters', '9'], /^scattercast: --clusters must be an integer in 1\.\.8, got '9' \(ERR_USAGE\)\n$/],
        [['--port', 'http'], /^scattercast: --port must be an integer in 0\.\.65535, got 'http' \(ERR_USAGE\)\n$/],
      ];
      for (const [args, said] of cases) {
        const r = runCliSync(['whiteboard', '--dashboard-port', '0', ...args]);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, said);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.equal(r.stdout, '', 'nothing started, nothing printed');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints both URLs, serves a deck to viewers (a late joiner\'s current slide first), takes the printed credential, and Ctrl-C leaves nothing behind', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cli-'));
    const deckFile = join(dir, 'talk.json');
    const deck = sampleDeckAt(deckFile, 3);
    const wb = spawn(process.execPath, ['bin/scattercast.js', 'whiteboard', '--dashboard-port', '0', '--seed', '3', '--deck', deckFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    wb.stdout.on('data', (b: Buffer) => (out += b.toString()));
    wb.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => wb.once('exit', (code) => resolve(code)));
    const sockets: WebSocket[] = [];
    try {
      const deadline = Date.now() + 30_000;
      while (!/Ctrl-C to stop/.test(out) && Date.now() < deadline && wb.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const present = /present\s+(http:\/\/\S+)/.exec(out)?.[1];
      const view = /view\s+(http:\/\/\S+)/.exec(out)?.[1];
      const dashboard = /dashboard\s+(http:\/\/\S+\/dashboard\/)/.exec(out)?.[1];
      assert.ok(present && view && dashboard, `missing URLs:\n${out}\n${err}`);
      assert.match(out, new RegExp(`deck\\s+${deckFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ slides, ${deck.objects.size} objects`));
      const p = new URL(present);
      const v = new URL(view);
      assert.equal(p.pathname, '/whiteboard/present.html');
      assert.equal(v.pathname, '/whiteboard/view.html');
      assert.match(p.hash, /^#credential=[\w-]{16,}$/, 'the credential rides in the fragment, never sent to a server');
      assert.equal(p.searchParams.get('credential'), null);
      assert.notEqual(p.host, v.host, 'the viewer goes through another cluster');
      const session = v.searchParams.get('session');
      assert.ok(session, 'the viewer URL names the session');
      const page = await fetch(view);
      assert.equal(page.status, 200, 'the viewer page is served');

      const attach = (await (await fetch(new URL(`/v1/whiteboard/attach?session=${encodeURIComponent(session)}`, v))).json()) as { session: string; scx: string; ws: string };
      assert.equal(attach.session, session);
      assert.match(attach.ws, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/whiteboard/);
      t.diagnostic(`the viewer's attach path picked SCX ${attach.scx}, ${attach.ws}`);

      const url = `${attach.ws}${attach.ws.includes('?') ? '' : `?session=${encodeURIComponent(session)}`}`;
      const first = await viewDeck(url, deck, () => err);
      sockets.push(first.socket);
      t.diagnostic(`the first viewer through ${v.host} had all ${deck.objects.size} objects ${first.allMs.toFixed(0)} ms after it opened`);
      // A late joiner, once the viewer's SCX holds the whole deck: its current slide comes first.
      const late = await viewDeck(url, deck, () => err);
      sockets.push(late.socket);
      const order = late.got.map((o) => o.slide).filter((x, i, all) => i === 0 || all[i - 1] !== x);
      t.diagnostic(`a late joiner had the current slide ${deck.current} in ${late.currentMs.toFixed(0)} ms, all objects in ${late.allMs.toFixed(0)} ms; slides in the order ${order.join(', ')}`);
      for (const r of [first, late]) {
        assert.equal(r.current, deck.current, "the deck's current slide, told");
        assert.equal(r.welcome.presentation, 'talk');
        for (const o of r.got) assert.equal(o.kind, deck.objects.get(`${o.slide}/${o.id}`), `object ${o.slide}/${o.id}'s kind`);
        assert.ok(r.got.some((o) => o.kind === 'image' && (o.bytes ?? 0) > 1000), 'the photo and its bytes');
      }
      assert.equal(late.welcome.current, deck.current, "the late joiner's welcome names the current slide");
      const firstOther = late.got.findIndex((o) => o.slide !== deck.current);
      const currentAfter = firstOther === -1 ? [] : late.got.slice(firstOther).filter((o) => o.slide === deck.current);
      assert.ok(late.got[0]?.slide === deck.current && currentAfter.length === 0, `the current slide's objects first: ${late.got.map((o) => `${o.slide}/${o.id}`).join(' ')}`);
      for (const socket of sockets) socket.close();

      // The presenter URL's fragment is the session's source secret at every node; anything else is refused.
      const presenterAttach = (await (await fetch(new URL(`/v1/whiteboard/attach?session=${encodeURIComponent(session)}`, p))).json()) as { ws: string };
      const presenterWs = `${presenterAttach.ws}?session=${encodeURIComponent(session)}&role=present`;
      const credential = p.hash.slice('#credential='.length);
      assert.deepEqual(await presentWith(presenterWs, `${credential}x`).then((m) => [m.t, m.code]), ['refused', 'ERR_WB_CREDENTIAL']);
      const welcomed = await presentWith(presenterWs, credential);
      assert.deepEqual([welcomed.t, welcomed.role], ['welcome', 'present'], JSON.stringify(welcomed));

      const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((x) => Number(x[1]));
      wb.kill('SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
      assert.equal(code, 0, `exit status after Ctrl-C:\n${out}\n${err}`);
      assert.match(out, /stopped; nothing is left running\./);
      for (const port of new Set(ports)) assert.ok(await portFree(port), `port ${port} still taken after the whiteboard stopped`);
    } finally {
      for (const socket of sockets) socket.terminate();
      if (wb.exitCode === null) wb.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
