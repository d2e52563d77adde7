/**
 * `scattercast whiteboard` (and `scattercast demo --app whiteboard`): the whiteboard on loopback. Clusters of nodes
 * at wide-area distances (the demo's link emulator), each cluster with a frontend on its first node; every node's
 * config carries a `whiteboard` section naming one presentation and the session's source secret, so that any node
 * takes the presenter who holds it. A deck file (the built-in sample by default) is loaded at the SCX the first
 * cluster's attach path picks for the presenter: it reaches every other SCX through the `adu` module.
 */

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readDeckFile } from '../apps/whiteboard/deck/deck-file.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { nodeState } from '../daemon/node-state.ts';
import type { RunningNode } from '../daemon/run-node.ts';
import type { DashboardSnapshot, ReceiverView } from '../dashboard/snapshot.ts';
import { DemoStarted, planOverlay, type OverlayDemoOptions, serveDashboard, startOverlay } from './overlay.ts';

/** Options of the whiteboard demo. */
export interface WhiteboardDemoOptions extends OverlayDemoOptions {
  /** Number of clusters (1..8). */
  readonly clusters: number;
  /** Nodes (SCXs) per cluster (1..8); the frontend on each cluster's first node picks one for each browser. */
  readonly nodesPerCluster: number;
  /** The deck file loaded at the start (default: the built-in sample deck). */
  readonly deck: string | undefined;
  /** HTTP port on 127.0.0.1 of the first cluster's first node, where the presenter's page is (0: any free port). */
  readonly port: number;
  /** Viewers whose screen is narrower than this get 2-bit images, CSS px. */
  readonly smallWidth: number;
}

/** The built-in sample deck (a few slides with text, strokes, rectangles and a photo). */
export const BUILTIN_DECK = fileURLToPath(new URL('../../assets/whiteboard/sample-deck.json', import.meta.url));

/** The demo presentation's session; its ADUs name the presentation `talk`. */
export const WHITEBOARD_SESSION = 'scast://demo.scattercast/talk';

/** A node of the whiteboard demo. */
export interface WhiteboardDemoNode {
  readonly scx: string;
  /** The node's HTTP port (pages, attach path, WebSocket, dashboard, metrics): `http://127.0.0.1:port`. */
  readonly httpUrl: string;
  readonly running: RunningNode;
}

/** A cluster of the whiteboard demo. */
export interface WhiteboardDemoCluster {
  readonly name: string;
  /** Its first node, which runs the cluster's frontend: browsers of this cluster attach through its HTTP port. */
  readonly entry: WhiteboardDemoNode;
  readonly nodes: readonly WhiteboardDemoNode[];
}

/** A running whiteboard demo. */
export interface WhiteboardDemo {
  readonly clusters: readonly WhiteboardDemoCluster[];
  readonly session: string;
  /** The presenter's credential: the session's source secret, fresh for each run. */
  readonly credential: string;
  /** The deck loaded, and the SCX it was loaded at. */
  readonly deck: { readonly title: string; readonly slides: number; readonly objects: number; readonly scx: string };
  /** The presenter's page, through the first cluster (the credential in the URL fragment, never sent to a server). */
  readonly presenterUrl: string;
  /** A viewer's page, through the last cluster (`&device=small` for a small device). */
  readonly viewerUrl: string;
  readonly dashboardUrl: string;
  snapshot(): DashboardSnapshot;
  /** Stops every node (LEAVE first) and the dashboard, and removes the demo's state folder. */
  stop(): Promise<void>;
}

/** Starts the whiteboard demo; a bad deck is refused before anything starts, and whatever started is stopped again if a later step fails. */
export async function runWhiteboardDemo(o: WhiteboardDemoOptions): Promise<WhiteboardDemo> {
  const deck = readDeckFile(o.deck ?? BUILTIN_DECK, o.deck === undefined ? 'the built-in sample deck' : '--deck');
  // The pages' title: the deck's, on one line (a deck without one leaves the presentation's name).
  const title = deck.title.replace(/\s+/g, ' ').trim();
  const started = new DemoStarted('scattercast-whiteboard-');
  const credential = randomBytes(18).toString('base64url');
  try {
    const plan = await planOverlay(o.clusters, o.nodesPerCluster, o.port);
    const rendezvous = plan[0]!.nodes[0]!.scx;
    const trust = { stateDir: started.stateDir, sourceSecrets: [{ session: WHITEBOARD_SESSION, secret: credential }] };
    const whiteboard = { presentations: [{ session: WHITEBOARD_SESSION, ...(title && { title }) }], rendezvous: [rendezvous], smallWidth: o.smallWidth };
    const nodes = await startOverlay(plan, { ...o, clustered: true, trust }, started.nodes, () => ({ whiteboard }));
    const clusters: WhiteboardDemoCluster[] = plan.map((c, ci) => {
      const here = nodes[ci]!.map((n) => ({ scx: n.scx, httpUrl: `http://${n.admin}`, running: n.running }));
      return { name: c.name, entry: here[0]!, nodes: here };
    });
    const first = clusters[0]!;
    const host = await presenterScx(first, clusters);
    whiteboardOf(host).loadDeck(WHITEBOARD_SESSION, deck);
    const snapshot = (): DashboardSnapshot => whiteboardSnapshot(clusters, title || WHITEBOARD_SESSION);
    started.dashboard = await serveDashboard(o.dashboard, o.dashboardFallback, snapshot);
    const query = `?session=${encodeURIComponent(WHITEBOARD_SESSION)}`;
    return {
      clusters,
      session: WHITEBOARD_SESSION,
      credential,
      deck: { title: title || WHITEBOARD_SESSION, slides: deck.slides.length, objects: deck.slides.reduce((n, s) => n + s.objects.length, 0), scx: host.scx },
      presenterUrl: `${first.entry.httpUrl}/whiteboard/present.html${query}#credential=${credential}`,
      viewerUrl: `${clusters[clusters.length - 1]!.entry.httpUrl}/whiteboard/view.html${query}`,
      dashboardUrl: started.dashboard.url,
      snapshot,
      stop: () => started.stop(),
    };
  } catch (err) {
    await started.stop();
    throw err;
  }
}

/** The node the first cluster's attach path picks for the presenter (asked as a browser asks), where the deck goes. */
async function presenterScx(first: WhiteboardDemoCluster, clusters: readonly WhiteboardDemoCluster[]): Promise<WhiteboardDemoNode> {
  const res = await fetch(`${first.entry.httpUrl}/v1/whiteboard/attach?session=${encodeURIComponent(WHITEBOARD_SESSION)}`);
  const answer = (await res.json()) as { scx?: unknown };
  const node = clusters.flatMap((c) => c.nodes).find((n) => n.scx === answer.scx);
  if (!res.ok || node === undefined) throw new ScError(ErrorCode.INTERNAL, `the first cluster's attach path answered ${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
  return node;
}

/** The whiteboard edge of a node the demo configured with one. */
function whiteboardOf(n: WhiteboardDemoNode): NonNullable<RunningNode['whiteboard']> {
  const edge = n.running.whiteboard;
  if (edge === undefined) throw new ScError(ErrorCode.INTERNAL, `node ${n.scx} started without its whiteboard`);
  return edge;
}

/** A node's share of the presentation: viewers connected, whether its presenter is, and objects held (as its /metrics counts them). */
export function boardAt(n: WhiteboardDemoNode): { viewers: number; presenting: boolean; objects: number } {
  const edge = whiteboardOf(n).presentations.get(WHITEBOARD_SESSION);
  const presenting = edge?.presenting ?? false;
  return { viewers: (edge?.browsers.size ?? 0) - (presenting ? 1 : 0), presenting, objects: edge?.model.objects ?? 0 };
}

/** Every node, and each node's viewers as receivers of the presentation's session (their objects as its packets). */
function whiteboardSnapshot(clusters: readonly WhiteboardDemoCluster[], title: string): DashboardSnapshot {
  const receivers: ReceiverView[] = clusters.flatMap((c) =>
    c.nodes.map((n) => {
      const b = boardAt(n);
      return {
        name: `${b.viewers} viewer${b.viewers === 1 ? '' : 's'}${b.presenting ? ' and the presenter' : ''}`,
        session: WHITEBOARD_SESSION,
        channel: 1,
        scx: n.scx,
        via: 'unicast' as const,
        packets: b.objects,
        packetsPerS: 0,
        gaps: 0,
        delayMs: null,
      };
    }),
  );
  return {
    at: Date.now(),
    title: `scattercast whiteboard · ${title}`,
    clusters: clusters.map((c) => ({ name: c.name, frontend: `${c.entry.httpUrl}/v1/whiteboard/attach`, nodes: c.nodes.map((n) => n.scx) })),
    nodes: clusters.flatMap((c) => c.nodes.map((n) => nodeState(n.running.node, c.name))),
    receivers,
  };
}
