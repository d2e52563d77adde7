// The two tables beside the graph: the selected source's tree links, and the receivers and clients.

import { $, h, morphChildren } from './dom.js';
import { fmtBytes, fmtCount, fmtMs, fmtRate } from './format.js';
import { state } from './state.js';

// Fills the tree-links table for the selected source.
export function fillLinks(tree) {
  $('links-source').textContent = state.source ? `source ${state.source}` : '';
  const rows = tree.map((e) => h('tr', { 'data-from': e.from, 'data-to': e.to },
    h('td', { title: e.from }, e.from),
    h('td', { title: e.to }, e.to),
    h('td', { class: 'num' }, fmtRate(e.link?.packetsPerS)),
    h('td', { class: 'num' }, fmtBytes(e.link?.bytesPerS)),
    h('td', { class: 'num' }, fmtMs(e.link?.rttMs ?? null))));
  fillBody($('links'), rows, 5, 'no tree links');
}

// Fills the receivers-and-clients table: receivers first, then clients.
export function fillReceivers(attached) {
  const rows = [
    ...attached.receivers.map((r) => h('tr', { class: 'receiver', 'data-scx': r.scx },
      h('td', { title: r.name }, r.name), h('td', {}, r.scx), h('td', {}, r.via),
      h('td', { class: 'num' }, fmtCount(r.packets)), h('td', { class: 'num' }, fmtRate(r.packetsPerS)),
      h('td', { class: r.gaps > 0 ? 'num warn' : 'num' }, fmtCount(r.gaps)), h('td', { class: 'num' }, fmtMs(r.delayMs ?? null)))),
    ...attached.clients.map((c) => h('tr', { class: 'client', 'data-scx': c.scx },
      h('td', { title: c.id }, c.id), h('td', {}, c.scx), h('td', {}, c.role),
      h('td', { class: 'num' }, fmtCount(c.packets)), h('td', { class: 'num' }, fmtRate(c.packetsPerS)),
      h('td', { class: 'num' }, '–'), h('td', { class: 'num' }, '–'))),
  ];
  fillBody($('receivers'), rows, 7, 'no receivers or clients');
}

// Puts rows into a table body in place, or a single placeholder row when there are none.
function fillBody(table, rows, columns, emptyText) {
  const body = rows.length > 0 ? rows : [h('tr', { class: 'empty' }, h('td', { colspan: columns }, emptyText))];
  morphChildren(table.tBodies[0], h('tbody', {}, body));
}
