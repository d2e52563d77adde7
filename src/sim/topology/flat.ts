import { ErrorCode, ScError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';

/** How a flat random graph decides whether to link a pair of routers. */
export type EdgeRule =
  | { readonly kind: 'pure-random'; readonly alpha: number }
  | { readonly kind: 'waxman'; readonly alpha: number; readonly beta: number };

/** What to do with a disconnected draw: draw again (GT-ITM) or join components by their shortest gaps. */
export type ConnectMode = 'regenerate' | 'bridge';

/** Parameters of one flat random graph. */
export interface FlatParams {
  /** Number of routers (at least 1). */
  readonly nodes: number;
  /** Side of the square grid; points have integer coordinates in [0, scale). */
  readonly scale: number;
  /** Edge probability rule. */
  readonly rule: EdgeRule;
  /** Offset added to every x coordinate (default 0). */
  readonly originX?: number;
  /** Offset added to every y coordinate (default 0). */
  readonly originY?: number;
  /** Connectivity repair (default 'regenerate'). */
  readonly connect?: ConnectMode;
  /** Draws tried in 'regenerate' mode before giving up (default 1000). */
  readonly maxAttempts?: number;
}

/** One undirected link of a flat graph, between local router ids a < b. */
export interface FlatLink {
  /** Smaller local router id. */
  readonly a: number;
  /** Larger local router id. */
  readonly b: number;
  /** Link latency in ms (grid units). */
  readonly lengthMs: number;
}

/** A connected flat random graph: router coordinates (origin included) and links. */
export interface FlatGraph {
  /** x coordinate of each router. */
  readonly x: Int32Array;
  /** y coordinate of each router. */
  readonly y: Int32Array;
  /** Links in generation order. */
  readonly links: readonly FlatLink[];
}

/** Latency (ms) of a link between two grid points: rounded Euclidean distance, at least 1. */
export function gridLengthMs(x1: number, y1: number, x2: number, y2: number): number {
  return Math.max(1, Math.round(Math.hypot(x2 - x1, y2 - y1)));
}

/** Draws a connected flat random graph of routers at distinct grid points (throws TOPOLOGY_INVALID if it cannot). */
export function flatRandomGraph(params: FlatParams, rng: Random): FlatGraph {
  const { nodes, scale, rule } = params;
  const originX = params.originX ?? 0;
  const originY = params.originY ?? 0;
  const mode = params.connect ?? 'regenerate';
  const maxAttempts = params.maxAttempts ?? 1000;
  checkParams(params);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const { x, y } = distinctPoints(nodes, scale, rng);
    const links = drawLinks(x, y, scale, rule, rng);
    const comp = componentIds(nodes, links);
    const connected = comp.every((c) => c === 0);
    if (!connected && mode === 'regenerate') continue;
    if (!connected) links.push(...bridgeLinks(x, y, comp));
    for (let i = 0; i < nodes; i++) {
      x[i]! += originX;
      y[i]! += originY;
    }
    return { x, y, links };
  }
  throw new ScError(
    ErrorCode.TOPOLOGY_INVALID,
    `no connected ${rule.kind} graph of ${nodes} routers (alpha ${rule.alpha}) in ${maxAttempts} attempts`,
  );
}

function checkParams(p: FlatParams): void {
  const bad = (what: string): never => {
    throw new ScError(ErrorCode.TOPOLOGY_INVALID, `flat graph: ${what}`);
  };
  if (!Number.isInteger(p.nodes) || p.nodes < 1) bad(`node count ${p.nodes} must be a positive integer`);
  if (!Number.isInteger(p.scale) || p.scale < 1) bad(`scale ${p.scale} must be a positive integer`);
  if (p.nodes > p.scale * p.scale) bad(`${p.nodes} routers do not fit on a ${p.scale}x${p.scale} grid`);
  if (!(p.rule.alpha >= 0 && p.rule.alpha <= 1)) bad(`alpha ${p.rule.alpha} must be in [0, 1]`);
  if (p.rule.kind === 'waxman' && !(p.rule.beta > 0)) bad(`beta ${p.rule.beta} must be positive`);
  if (!Number.isInteger(p.maxAttempts ?? 1) || (p.maxAttempts ?? 1) < 1) bad(`maxAttempts must be a positive integer`);
}

/** n distinct integer points of the scale x scale grid. */
function distinctPoints(n: number, scale: number, rng: Random): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(n);
  const y = new Int32Array(n);
  const cells = scale * scale;
  if (2 * n > cells) {
    // Dense: choose cells without replacement rather than rejecting collisions.
    const chosen = rng.sample(Array.from({ length: cells }, (_, c) => c), n);
    chosen.forEach((c, i) => {
      x[i] = c % scale;
      y[i] = Math.floor(c / scale);
    });
    return { x, y };
  }
  const used = new Set<number>();
  for (let i = 0; i < n; ) {
    const px = rng.int(scale);
    const py = rng.int(scale);
    const cell = py * scale + px;
    if (used.has(cell)) continue;
    used.add(cell);
    x[i] = px;
    y[i] = py;
    i++;
  }
  return { x, y };
}

function drawLinks(x: Int32Array, y: Int32Array, scale: number, rule: EdgeRule, rng: Random): FlatLink[] {
  const n = x.length;
  const links: FlatLink[] = [];
  const waxmanRangeInv = rule.kind === 'waxman' ? 1 / (rule.beta * Math.SQRT2 * scale) : 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const d = Math.hypot(x[b]! - x[a]!, y[b]! - y[a]!);
      const p = rule.kind === 'waxman' ? rule.alpha * Math.exp(-d * waxmanRangeInv) : rule.alpha;
      if (rng.next() < p) links.push({ a, b, lengthMs: Math.max(1, Math.round(d)) });
    }
  }
  return links;
}

/** Component of each node, numbered by first appearance (node 0 is in component 0). */
function componentIds(n: number, links: readonly FlatLink[]): number[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (v: number): number => {
    while (parent[v] !== v) {
      const up = parent[parent[v]!]!;
      parent[v] = up;
      v = up;
    }
    return v;
  };
  for (const { a, b } of links) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const idOfRoot = new Map<number, number>();
  return parent.map((_, v) => {
    const root = find(v);
    let id = idOfRoot.get(root);
    if (id === undefined) {
      id = idOfRoot.size;
      idOfRoot.set(root, id);
    }
    return id;
  });
}

/**
 * Links joining all components with minimum total Euclidean length (Prim's algorithm over components, with
 * links inside a component free). Ties go to the smaller node ids. O(n^2).
 */
function bridgeLinks(x: Int32Array, y: Int32Array, comp: readonly number[]): FlatLink[] {
  const n = x.length;
  const members = new Map<number, number[]>();
  comp.forEach((c, v) => {
    const list = members.get(c);
    if (list) list.push(v);
    else members.set(c, [v]);
  });
  const inTree = new Uint8Array(n);
  const bestD2 = new Float64Array(n).fill(Infinity);
  const bestFrom = new Int32Array(n).fill(-1);
  const absorb = (c: number): void => {
    const list = members.get(c)!;
    for (const v of list) inTree[v] = 1;
    for (const v of list) {
      for (let w = 0; w < n; w++) {
        if (inTree[w]) continue;
        const d2 = (x[w]! - x[v]!) ** 2 + (y[w]! - y[v]!) ** 2;
        if (d2 < bestD2[w]! || (d2 === bestD2[w]! && v < bestFrom[w]!)) {
          bestD2[w] = d2;
          bestFrom[w] = v;
        }
      }
    }
  };
  const links: FlatLink[] = [];
  absorb(0);
  for (let joined = 1; joined < members.size; joined++) {
    let w = -1;
    for (let v = 0; v < n; v++) if (!inTree[v] && (w < 0 || bestD2[v]! < bestD2[w]!)) w = v;
    const u = bestFrom[w]!;
    links.push({
      a: Math.min(u, w),
      b: Math.max(u, w),
      lengthMs: gridLengthMs(x[u]!, y[u]!, x[w]!, y[w]!),
    });
    absorb(comp[w]!);
  }
  return links;
}
