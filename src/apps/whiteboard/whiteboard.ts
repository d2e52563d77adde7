/**
 * The whiteboard at one node (paper 6.6.2, issue 15): every configured presentation's session joined (channel 1,
 * the `adu` module), its pages and attach path on the admin port, and its WebSocket `/v1/whiteboard`, where
 * browsers present and view. Viewers' sockets take small messages only; a presenter opens its socket with
 * `&role=present` to send images (a presenter without it is held to PRESENTER_MAX_TEXT per message).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode, ScError } from '../../core/errors.ts';
import type { ClusterMember, ClusterPlacement } from '../../cluster/cluster-placement.ts';
import type { Logger } from '../../daemon/log.ts';
import type { ScxNode } from '../../daemon/scx-node.ts';
import { formatSessionName, parseSessionName } from '../../session/name.ts';
import { MAX_IMAGE_BYTES } from './deck/bodies.ts';
import type { Deck } from './deck/deck-file.ts';
import { BoardClient, PRESENTER_MAX_TEXT } from './edge/board-client.ts';
import { WhiteboardStats } from './edge/edge-stats.ts';
import { BOARD_CHANNEL, PresentationEdge } from './edge/presentation.ts';
import { SmallImages } from './edge/small-images.ts';
import { handleWhiteboardHttp, sessionParam, WS_PATH, type RouteContext } from './edge/whiteboard-http.ts';
import type { WhiteboardConfig } from './whiteboard-config.ts';

/** Sockets upgraded past `maxViewers` only to be told `refused`, at most; more are refused in HTTP (503). */
const REFUSAL_SLACK = 64;

/** Presenter sockets (`role=present`, large messages) open at once on this node, at most. */
export const MAX_PRESENTER_SOCKETS = 8;

/**
 * Presenter sockets open at once from one remote address, at most: they are taken before the credential is checked,
 * so a stranger alone cannot hold every one of MAX_PRESENTER_SOCKETS and keep the presenter out.
 */
export const MAX_PRESENTER_SOCKETS_PER_ADDRESS = 2;

/** How often every browser's interest is reported again, ms. */
const INTEREST_INTERVAL_MS = 1000;

/** Options of the whiteboard at a node. */
export interface WhiteboardOptions {
  readonly node: ScxNode;
  readonly config: WhiteboardConfig;
  readonly log: Logger;
  /** The frontend's placement, when this node's frontend spreads sessions over several members. */
  readonly placement?: ClusterPlacement;
  /** The cluster's members (`cluster.members`): where a placed browser is sent. */
  readonly members?: readonly ClusterMember[];
  /** Whether the admin port speaks TLS (the WebSocket is then wss://). */
  readonly tls?: boolean;
}

/** What `/metrics` reads of the whiteboard. */
export interface WhiteboardMetrics {
  readonly presentations: ReadonlyMap<string, PresentationEdge>;
  readonly stats: WhiteboardStats;
}

/** The whiteboard running at a node. */
export interface Whiteboard extends WhiteboardMetrics {
  /** Serves the pages and the attach path; false if the request is not the whiteboard's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes the upgrade of `/v1/whiteboard`; false if it is not the whiteboard's. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Publishes a parsed deck into `session` as its presenter would, each object a version newer than any held; a
   * deck's id that is 1 (the current pointer's) or lives on another slide gets a fresh one, the same at every
   * reload (a deck's ids are unique per slide, ADUs' per presentation). ScError(ERR_WB_SESSION, or the first object's refusal).
   */
  loadDeck(session: string, deck: Deck): void;
  /** Closes every browser and stops reporting. */
  close(): void;
}

/** Starts the whiteboard: joins every presentation's session here. */
export function startWhiteboard(o: WhiteboardOptions): Whiteboard {
  const { node, config, log } = o;
  const stats = new WhiteboardStats();
  const images = new SmallImages(stats);
  const presentations = new Map<string, PresentationEdge>();
  const bySession = new Map<string, PresentationEdge>();
  for (const p of config.presentations) {
    const edge = new PresentationEdge(node, config, p, stats, log);
    presentations.set(p.session, edge);
    bySession.set(edge.session.idHex, edge);
  }
  let closed = false;
  node.onDelivery((s, channel, packet) => {
    if (!closed && channel === BOARD_CHANNEL) bySession.get(s.idHex)?.onPayload(packet.bytes.subarray(packet.payloadOffset));
  });
  const ticker = setInterval(
    node.guard.wrap('whiteboard interest', () => {
      for (const edge of presentations.values()) edge.tick();
    }),
    INTEREST_INTERVAL_MS,
  );
  ticker.unref();
  const find = (session: string | null): PresentationEdge | undefined => (session === null ? presentations.values().next().value : presentations.get(session));
  const routes: RouteContext = { find, ...(o.placement && { placement: o.placement }), members: o.members ?? [], scx: node.self, tls: o.tls === true };
  const viewerWss = new WebSocketServer({ noServer: true, maxPayload: PRESENTER_MAX_TEXT });
  const presenterWss = new WebSocketServer({ noServer: true, maxPayload: MAX_IMAGE_BYTES });
  /** The id each deck object (`slide:deck id`) was published under, per presentation, so a reload makes new versions. */
  const deckIds = new Map<PresentationEdge, Map<string, number>>();
  const open = (): number => viewerWss.clients.size + presenterWss.clients.size;
  /** Presenter sockets open now, by remote address. */
  const presentersFrom = new Map<string, number>();

  const accept = (ws: WebSocket, edge: PresentationEdge): void => {
    const client = new BoardClient(ws, {
      edge,
      stats,
      images,
      smallWidth: config.smallWidth,
      scx: node.self,
      admit: (credential) => {
        const verdict = node.clients.sources.admit(edge.session.announcement, credential, Date.now());
        return verdict.ok ? undefined : verdict.code;
      },
      guard: (what, fn) => node.guard.wrap(what, fn),
    });
    if (open() > config.maxViewers) client.refuse(ErrorCode.WB_VIEWERS, `${config.maxViewers} browsers are connected here, as many as may be; try again later`);
  };

  return {
    presentations,
    stats,
    handle: (req, res) => handleWhiteboardHttp(routes, req, res),
    upgrade(req, socket, head) {
      const url = req.url ?? '';
      if (url.split('?', 1)[0] !== WS_PATH) return false;
      socket.on('error', () => undefined);
      const name = sessionParam(url);
      const edge = name === undefined ? undefined : find(name);
      const presenter = new URL(url, 'http://x').searchParams.get('role') === 'present';
      if (!edge) return refuseUpgrade(socket, stats, 404, new ScError(ErrorCode.WB_SESSION, 'no such presentation here'));
      if (closed || open() >= config.maxViewers + REFUSAL_SLACK || (presenter && presenterWss.clients.size >= MAX_PRESENTER_SOCKETS)) {
        return refuseUpgrade(socket, stats, 503, new ScError(ErrorCode.WB_VIEWERS, 'this node has as many browsers as it may take; try again later'));
      }
      const from = req.socket.remoteAddress ?? '';
      if (presenter && (presentersFrom.get(from) ?? 0) >= MAX_PRESENTER_SOCKETS_PER_ADDRESS) {
        return refuseUpgrade(socket, stats, 503, new ScError(ErrorCode.WB_VIEWERS, `${MAX_PRESENTER_SOCKETS_PER_ADDRESS} presenter sockets are open from your address, as many as may be`));
      }
      if (!presenter) {
        viewerWss.handleUpgrade(req, socket, head, (ws) => accept(ws, edge));
        return true;
      }
      // Counted until the connection closes, whether the handshake fails or the browser leaves later.
      presentersFrom.set(from, (presentersFrom.get(from) ?? 0) + 1);
      socket.once('close', () => {
        const n = (presentersFrom.get(from) ?? 1) - 1;
        if (n > 0) presentersFrom.set(from, n);
        else presentersFrom.delete(from);
      });
      presenterWss.handleUpgrade(req, socket, head, (ws) => accept(ws, edge));
      return true;
    },
    loadDeck(session, deck) {
      const edge = presentations.get(canonical(session));
      if (!edge) throw new ScError(ErrorCode.WB_SESSION, `this node serves no presentation ${JSON.stringify(session.slice(0, 80))}`);
      const ids = deckIds.get(edge) ?? new Map<string, number>();
      deckIds.set(edge, ids);
      let spare = edge.model.nextId();
      for (const s of deck.slides) for (const x of s.objects) spare = Math.max(spare, x.id + 1);
      for (const s of deck.slides) {
        for (const x of s.objects) {
          const key = `${s.slide}:${x.id}`;
          let id = ids.get(key);
          if (id === undefined) {
            const home = edge.model.slideOf(x.id);
            id = x.id === 1 || (home !== undefined && home !== s.slide) ? spare++ : x.id;
            ids.set(key, id);
          }
          const v = (edge.model.get(s.slide, id)?.v ?? 0) + 1;
          const refusal = edge.publish({ slide: s.slide, id, v, kind: x.kind, body: x.body, ...(x.data && { image: x.data }) }, true);
          if (refusal) throw new ScError(refusal.code, `deck slide ${s.slide} object ${x.id}: ${refusal.message}`);
        }
      }
      edge.setCurrent(deck.current);
    },
    close() {
      closed = true;
      clearInterval(ticker);
      for (const ws of [...viewerWss.clients, ...presenterWss.clients]) ws.terminate();
      viewerWss.close();
      presenterWss.close();
    },
  };
}

/** The canonical spelling of a session name, or the text itself when it is not one (it then matches nothing). */
function canonical(session: string): string {
  try {
    return formatSessionName(parseSessionName(session));
  } catch {
    return session;
  }
}

/** Answers an upgrade with `err` as JSON and closes the socket; counted. */
function refuseUpgrade(socket: Duplex, stats: WhiteboardStats, status: number, err: ScError): true {
  stats.refuse(err.code);
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Service Unavailable'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  return true;
}
