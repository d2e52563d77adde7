/**
 * The centralised degree-bounded reference tree (notes/transit-stub.md): built with full knowledge, from the
 * source, by repeatedly attaching the outside SCX v to the tree SCX u with spare degree that minimises
 * dist(u) + latency(u, v). The root may take `rootChildren` children, every other SCX `children`.
 * Returns parent indices (-1 at the source).
 */
export function referenceTree(
  n: number,
  source: number,
  latencyMs: (i: number, j: number) => number,
  rootChildren: number,
  children: number,
): Int32Array {
  const parent = new Int32Array(n).fill(-2);
  parent[source] = -1;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  dist[source] = 0;
  const spare = new Int32Array(n).fill(children);
  spare[source] = rootChildren;
  const inTree = new Uint8Array(n);
  inTree[source] = 1;
  // best[v]: the cheapest attachment of outside SCX v so far (cost and tree SCX), refreshed lazily.
  const bestCost = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const bestVia = new Int32Array(n).fill(-1);
  const offer = (u: number): void => {
    for (let v = 0; v < n; v++) {
      if (inTree[v]) continue;
      const c = (dist[u] as number) + latencyMs(u, v);
      if (c < (bestCost[v] as number)) {
        bestCost[v] = c;
        bestVia[v] = u;
      }
    }
  };
  const recompute = (v: number): void => {
    bestCost[v] = Number.POSITIVE_INFINITY;
    bestVia[v] = -1;
    for (let u = 0; u < n; u++) {
      if (!inTree[u] || (spare[u] as number) <= 0) continue;
      const c = (dist[u] as number) + latencyMs(u, v);
      if (c < (bestCost[v] as number)) {
        bestCost[v] = c;
        bestVia[v] = u;
      }
    }
  };
  offer(source);
  for (let added = 1; added < n; added++) {
    let v = -1;
    for (let w = 0; w < n; w++) {
      if (inTree[w]) continue;
      if ((bestVia[w] as number) >= 0 && (spare[bestVia[w] as number] as number) <= 0) recompute(w);
      if (v < 0 || (bestCost[w] as number) < (bestCost[v] as number)) v = w;
    }
    const u = bestVia[v] as number;
    if (v < 0 || u < 0) break;
    parent[v] = u;
    dist[v] = bestCost[v] as number;
    inTree[v] = 1;
    spare[u] = (spare[u] as number) - 1;
    offer(v);
  }
  return parent;
}
