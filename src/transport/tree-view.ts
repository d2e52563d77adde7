import type { GossamerNode } from '../gossamer/node.ts';
import type { TreeView } from './channel-runtime.ts';

/** The tree view of a Gossamer node: its routes' upstreams, downstream sets and current neighbours. */
export function treeViewOf(node: GossamerNode): TreeView {
  return {
    upstream: (source) => node.upstream(source),
    downstream: (source) => node.downstream(source),
    neighbourIds: () => node.neighbours.ids(),
  };
}
