/** What a forgery that was accepted would leave behind, read from the nodes' /state and record files. */

import { SOURCE, type Deployment } from '../deployment.ts';
import { snapshot } from '../mesh.ts';

/** Live nodes (not the source) with no route to the source, or no upstream on it. */
export async function routesLost(d: Deployment): Promise<number[]> {
  const s = await snapshot(d);
  const src = d.addr(SOURCE);
  return [...s.states].filter(([i, st]) => i !== SOURCE && !st.routes.some((r) => r.source === src && r.upstream !== null)).map(([i]) => i);
}

/** Live nodes with a route to a source other than the session's one, and those sources. */
export async function otherSources(d: Deployment): Promise<{ nodes: number[]; sources: string[] }> {
  const s = await snapshot(d);
  const src = d.addr(SOURCE);
  const nodes: number[] = [];
  const sources = new Set<string>();
  for (const [i, st] of s.states) {
    const other = st.routes.filter((r) => r.source !== src).map((r) => r.source);
    if (other.length === 0) continue;
    nodes.push(i);
    for (const o of other) sources.add(o);
  }
  return { nodes, sources: [...sources] };
}

/** Receivers (live, not the source) that went silent for more than `ms` within [from, to] (wall ms). */
export function gapped(d: Deployment, from: number, to: number, ms = 1000): number[] {
  d.pollRecords();
  return d.live().filter((i) => i !== SOURCE && (d.records[i]?.longestSilence(from, to) ?? 0) > ms);
}
