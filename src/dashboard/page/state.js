// The page's one shared mutable state: latest snapshot, selection, socket bookkeeping and the cached layout.

// Mutated in place by the modules that import it.
export const state = {
  snapshot: null,
  session: '',
  source: '',
  socket: null,
  attempt: 0,
  lastMessage: 0,
  retryTimer: 0,
  layoutKey: '',
  layout: null,
};
