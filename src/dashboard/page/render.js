// Rendering: redraws the graph (in layers), the tables and the header from the latest snapshot and selection.

import { $, morphChildren, s } from './dom.js';
import { isNum } from './format.js';
import { circleBox } from './geometry.js';
import { defs, ghostGlyph, meshLine, nodeGlyph, regionGlyph, regionLabel, treeGlyphs } from './glyphs.js';
import { attachmentGlyphs } from './hanging.js';
import { fillHeader } from './header.js';
import { layoutFor } from './layout.js';
import { attachments, ghostAddresses, groupsOf, meshEdges, nodesByAddress, scxOf, sourceRoots, treeEdges } from './model.js';
import { syncSelectors } from './selectors.js';
import { NODE_R } from './sizes.js';
import { state } from './state.js';
import { fillLinks, fillReceivers } from './tables.js';

// Redraws the graph, tables and header from the latest snapshot and the current selection.
export function render() {
  const snap = state.snapshot;
  if (!snap) return;
  const nodes = nodesByAddress(snap);
  syncSelectors(nodes);
  const layout = layoutFor(groupsOf(snap, nodes, ghostAddresses(snap, nodes)));
  const scx = scxOf(nodes, state.session);
  const tree = treeEdges(scx, nodes, state.source);
  const attached = attachments(snap, nodes, state.session);
  drawGraph(layout, nodes, scx, tree, attached);
  fillLinks(tree);
  fillReceivers(attached);
  fillHeader(snap);
  document.body.dataset.snapshotAt = String(snap.at);
  document.body.dataset.nodes = String($('graph').querySelectorAll('g.node').length);
  document.body.dataset.session = state.session;
  document.body.dataset.source = state.source;
}

// Draws the SVG graph in layers: regions, mesh, tree, cluster labels, nodes, clients, tree labels (placed clear
// of nodes and client labels).
function drawGraph(layout, nodes, scx, tree, attached) {
  const graph = $('graph');
  const roots = sourceRoots(scx, state.source);
  const maxRate = Math.max(0, ...tree.map((e) => e.link?.packetsPerS).filter(isNum));
  const boxes = [...layout.pos.values()].map((p) => circleBox(p, NODE_R + 7));
  const hanging = attachmentGlyphs(attached, layout.pos, boxes);
  const treeParts = tree.map((edge) => treeGlyphs(edge, layout, maxRate, boxes));
  const hasSession = state.session !== '';
  const reported = [...layout.pos].filter(([address]) => nodes.has(address));
  const ghosts = [...layout.pos].filter(([address]) => !nodes.has(address));
  const next = s('svg', {},
    defs(),
    s('g', { class: 'layer regions' }, layout.boxes.map(regionGlyph)),
    s('g', { class: 'layer meshes' }, meshEdges(scx).map((edge) => meshLine(edge, layout.pos))),
    s('g', { class: 'layer trees' }, treeParts.map(([path]) => path)),
    s('g', { class: 'layer region-labels' }, layout.boxes.map(regionLabel)),
    s('g', { class: 'layer ghosts' }, ghosts.map(([address, p]) => ghostGlyph(address, p))),
    s('g', { class: 'layer nodes' }, reported.map(([address, p]) =>
      nodeGlyph(nodes.get(address), p, { absent: hasSession && !scx.has(address), source: roots.has(address) }))),
    s('g', { class: 'layer attachments' }, hanging),
    s('g', { class: 'layer tree-labels' }, treeParts.map(([, label]) => label)),
    layout.boxes.length === 0 ? s('text', { class: 'empty', x: 400, y: 250, 'text-anchor': 'middle' }, 'no nodes in this snapshot') : null);
  graph.setAttribute('viewBox', layout.viewBox);
  morphChildren(graph, next);
}
