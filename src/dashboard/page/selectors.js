// The session and source pickers: offered choices follow the snapshot, the user's choice is kept while it exists.

import { $, h } from './dom.js';
import { scxOf, sessionNames, sourceNames } from './model.js';
import { state } from './state.js';

// Refreshes the session and source pickers, keeping the user's choice while it still exists.
export function syncSelectors(nodes) {
  const sessions = sessionNames(nodes);
  state.session = pick(sessions, state.session);
  fillSelect($('session'), sessions, state.session);
  const sources = sourceNames(scxOf(nodes, state.session));
  state.source = pick(sources, state.source);
  fillSelect($('source'), sources, state.source);
}

// The current choice if still offered, else the first option ('' when none).
const pick = (options, current) => (options.includes(current) ? current : options[0] ?? '');

// Replaces a select's options only when the list changed, then selects `value`.
function fillSelect(select, values, value) {
  const current = [...select.options].map((o) => o.value);
  if (current.length !== values.length || current.some((v, i) => v !== values[i])) {
    select.replaceChildren(...values.map((v) => h('option', { value: v }, v)));
  }
  select.value = value;
  select.disabled = values.length === 0;
}
