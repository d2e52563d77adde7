/** What the bench reads from every live node's /state at one moment: the mesh, the source's tree, the generator. */

import { SOURCE, type Deployment, type SessionState } from './deployment.ts';

export interface Snapshot {
  /** /state of each live node that answered. */
  readonly states: ReadonlyMap<number, SessionState>;
  /** Live nodes that did not answer. */
  readonly silent: readonly number[];
}

export async function snapshot(d: Deployment): Promise<Snapshot> {
  const live = d.live();
  const answers = await Promise.all(live.map(async (i) => [i, await d.state(i)] as const));
  const states = new Map<number, SessionState>();
  const silent: number[] = [];
  for (const [i, s] of answers) {
    if (s === undefined) silent.push(i);
    else states.set(i, s);
  }
  return { states, silent };
}

/** Whether the neighbour graph over the snapshot's nodes is one connected mesh (and every live node answered). */
export function oneMesh(d: Deployment, s: Snapshot): boolean {
  if (s.silent.length > 0 || s.states.size === 0) return false;
  const adj = new Map<number, Set<number>>();
  for (const i of s.states.keys()) adj.set(i, new Set());
  for (const [i, st] of s.states) {
    for (const n of st.neighbours) {
      const j = d.indexOf(n);
      if (j === undefined || !adj.has(j)) continue;
      adj.get(i)?.add(j);
      adj.get(j)?.add(i);
    }
  }
  const first = [...adj.keys()][0] as number;
  const seen = new Set([first]);
  const stack = [first];
  while (stack.length > 0) {
    for (const j of adj.get(stack.pop() as number) ?? []) {
      if (!seen.has(j)) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return seen.size === adj.size;
}

/** The generator every live node names, if they all name the same live node (undefined otherwise). */
export function oneGenerator(d: Deployment, s: Snapshot): number | undefined {
  if (s.silent.length > 0) return undefined;
  const named = new Set([...s.states.values()].map((st) => st.generator));
  if (named.size !== 1) return undefined;
  const g = d.indexOf([...named][0]);
  return g !== undefined && d.alive(g) ? g : undefined;
}

/** The generator most live nodes name (undefined: none). */
export function electedGenerator(d: Deployment, s: Snapshot): number | undefined {
  const votes = new Map<number, number>();
  for (const st of s.states.values()) {
    const g = d.indexOf(st.generator);
    if (g !== undefined) votes.set(g, (votes.get(g) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Each node's upstream towards the source (host index; undefined: none, or the source itself). */
export function upstreams(d: Deployment, s: Snapshot): Map<number, number | undefined> {
  const out = new Map<number, number | undefined>();
  for (const [i, st] of s.states) out.set(i, d.indexOf(st.routes.find((r) => r.source === d.addr(SOURCE))?.upstream));
  return out;
}

/** The interior SCX (not the source) with the most nodes below it in the source's tree, and those nodes. */
export function busiestInterior(d: Deployment, s: Snapshot): { node: number; below: number[] } | undefined {
  const up = upstreams(d, s);
  const below = (k: number): number[] =>
    [...up.keys()].filter((i) => {
      for (let j = up.get(i), hops = 0; j !== undefined && hops < d.n; j = up.get(j), hops++) if (j === k) return true;
      return false;
    });
  const best = [...up.keys()]
    .filter((i) => i !== SOURCE)
    .map((node) => ({ node, below: below(node) }))
    .sort((a, b) => b.below.length - a.below.length || a.node - b.node)[0];
  return best !== undefined && best.below.length > 0 ? best : undefined;
}
