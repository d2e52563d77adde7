// The page header: the snapshot's title and time, and the connection status.

import { $ } from './dom.js';
import { isNum } from './format.js';

const STATUS_TEXT = { live: 'live', connecting: 'connecting…', disconnected: 'disconnected' };

// Shows the snapshot's title and time in the header.
export function fillHeader(snap) {
  const title = String(snap.title ?? 'Scattercast');
  if ($('title').textContent !== title) $('title').textContent = title;
  document.title = `${title} — dashboard`;
  $('at').textContent = isNum(snap.at) ? `at ${new Date(snap.at).toLocaleTimeString()}` : '';
}

// Shows the connection state in #status and on <body data-status>.
export function setStatus(kind) {
  const el = $('status');
  el.textContent = STATUS_TEXT[kind];
  el.dataset.state = kind;
  document.body.dataset.status = kind;
}
