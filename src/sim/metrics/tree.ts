import type { GossamerNode } from '../../gossamer/node.ts';
import type { ScxId } from '../../gossamer/wire/messages.ts';

/**
 * The distribution tree of one source as the data plane would follow it: each live SCX's upstream pointer.
 * `parent[i]` is the index of SCX i's upstream, -1 for the source, -2 where i's chain does not reach the source
 * (no route, a dead or missing hop, or a loop).
 */
export function sourceTree(
  nodes: readonly GossamerNode[],
  source: number,
  index: (id: ScxId) => number | undefined,
  alive: (i: number) => boolean,
): Int32Array {
  const n = nodes.length;
  const sourceId = (nodes[source] as GossamerNode).self;
  const parent = new Int32Array(n).fill(-2);
  parent[source] = -1;
  for (let i = 0; i < n; i++) {
    if (i === source || !alive(i)) continue;
    const up = (nodes[i] as GossamerNode).upstream(sourceId);
    const j = up === undefined ? undefined : index(up);
    if (j !== undefined && alive(j)) parent[i] = j;
  }
  const REACHES = 1;
  const CUT = 2;
  const ON_PATH = 3;
  const state = new Int8Array(n);
  state[source] = REACHES;
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let v = i;
    while (state[v] === 0) {
      state[v] = ON_PATH;
      path.push(v);
      const p = parent[v] as number;
      if (p < 0) break;
      v = p;
    }
    const verdict = state[v] === REACHES ? REACHES : CUT;
    for (const u of path) state[u] = verdict;
    path.length = 0;
  }
  for (let i = 0; i < n; i++) if (state[i] !== REACHES) parent[i] = -2;
  return parent;
}

/** Overlay latency from the source to each SCX along `parent` (NaN where unreached), ms. */
export function treeLatencyMs(parent: Int32Array, latencyMs: (i: number, j: number) => number): Float64Array {
  const n = parent.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const resolve = (i: number): number => {
    const known = out[i] as number;
    if (!Number.isNaN(known)) return known;
    const chain: number[] = [];
    let v = i;
    while (Number.isNaN(out[v] as number) && (parent[v] as number) >= 0) {
      chain.push(v);
      v = parent[v] as number;
    }
    if (parent[v] === -1) out[v] = 0;
    if (Number.isNaN(out[v] as number)) return Number.NaN;
    for (let k = chain.length - 1; k >= 0; k--) {
      const u = chain[k] as number;
      out[u] = (out[parent[u] as number] as number) + latencyMs(parent[u] as number, u);
    }
    return out[i] as number;
  };
  for (let i = 0; i < n; i++) if ((parent[i] as number) !== -2) resolve(i);
  return out;
}

/** C / C_mcast of one source: mean overlay latency over mean unicast (IP-multicast tree) latency, over reached SCXs. */
export function costRatio(
  parent: Int32Array,
  source: number,
  latencyMs: (i: number, j: number) => number,
): { ratio: number; reached: number } {
  const overlay = treeLatencyMs(parent, latencyMs);
  let c = 0;
  let cMcast = 0;
  let reached = 0;
  for (let i = 0; i < parent.length; i++) {
    if (i === source || parent[i] === -2) continue;
    c += overlay[i] as number;
    cMcast += latencyMs(source, i);
    reached++;
  }
  return { ratio: cMcast > 0 ? c / cMcast : Number.NaN, reached };
}
