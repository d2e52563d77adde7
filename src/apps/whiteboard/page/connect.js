// The connection to an SCX: the client-attach path on this page's own origin picks the SCX, then a WebSocket to
// it carries the protocol (JSON text frames; an image's JSON is followed by one binary frame with its bytes).
// A dropped connection attaches again with backoff (1 s, 2 s, 4 s, then 5 s); a `refused` frame stops it.

const ATTACH_TIMEOUT_MS = 5000; // the attach request's deadline
const MAX_BACKOFF_MS = 5000; // longest wait between attempts

/** Below this screen width, CSS px, a page calls itself small (the SCX applies its own `smallWidth` too). */
export const SMALL_WIDTH = 640;

/** The `session` URL parameter, or '' for the node's first presentation. */
export function sessionParam() {
  return new URLSearchParams(location.search).get('session') ?? '';
}

/** The screen's width, CSS px, 1..100000 (what `hello` reports): the window's, or the screen's when narrower. */
export function screenWidth() {
  const width = Math.min(window.innerWidth || 100_000, window.screen?.width || 100_000);
  return Math.max(1, Math.min(100_000, Math.round(width)));
}

/** 'small' when the URL says `?device=small` or the screen is narrower than SMALL_WIDTH, else 'desktop'. */
export function deviceParam() {
  const asked = new URLSearchParams(location.search).get('device');
  return asked === 'small' || screenWidth() < SMALL_WIDTH ? 'small' : 'desktop';
}

// Asks the attach path (relative to the page, so a path prefix before /whiteboard/ is kept) which SCX to use; a
// presenter's socket says so in its URL (the SCX lets it send images, up to 4 MiB a message).
async function attach(session, role) {
  const url = new URL('../v1/whiteboard/attach', location.href);
  if (session) url.searchParams.set('session', session);
  const res = await fetch(url, { signal: AbortSignal.timeout(ATTACH_TIMEOUT_MS) });
  const answer = await res.json().catch(() => ({}));
  const why = answer.error?.message ?? answer.message;
  if (!res.ok) throw new Error(typeof why === 'string' ? why : `attach answered HTTP ${res.status}`);
  if (typeof answer.ws !== 'string' || typeof answer.session !== 'string') throw new Error('attach answered without a WebSocket address');
  const ws = new URL(answer.ws, location.href);
  ws.searchParams.set('session', answer.session);
  if (role === 'present') ws.searchParams.set('role', 'present');
  return { session: answer.session, scx: typeof answer.scx === 'string' ? answer.scx : ws.host, ws: ws.href };
}

/**
 * Connects and keeps connecting. `hello()` builds the first message (called on every attempt); `on` has
 * `welcome(m, scx)`, `obj(m, bytes?)`, `current(slide)`, `refused(m)`, `error(m)`, `status(state, text)`.
 * Returns `{ send(message, bytes?) -> boolean, restart(), close() }`.
 */
export function connect({ hello, on }) {
  let socket = null;
  let attempt = 0;
  let timer = 0;
  let stopped = false;

  async function open() {
    clearTimeout(timer);
    on.status('connecting', 'attaching…');
    let where;
    try {
      where = await attach(sessionParam(), hello().role);
    } catch (err) {
      return retry(`attach failed: ${err.message}`);
    }
    if (stopped) return;
    on.status('connecting', `connecting to ${where.scx}…`);
    const ws = new WebSocket(where.ws);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    let pending = null; // an image's JSON waiting for its binary frame
    ws.addEventListener('open', () => ws.send(JSON.stringify(hello())));
    ws.addEventListener('message', (event) => {
      if (ws !== socket) return;
      if (typeof event.data !== 'string') {
        if (pending) on.obj(pending, new Uint8Array(event.data));
        pending = null;
        return;
      }
      pending = null; // an image whose bytes never came is dropped
      let m;
      try {
        m = JSON.parse(event.data);
      } catch {
        return;
      }
      if (m === null || typeof m !== 'object') return;
      if (m.t === 'obj' && m.kind === 'image') pending = m;
      else dispatch(m, where.scx);
    });
    ws.addEventListener('close', () => {
      if (ws !== socket) return;
      socket = null;
      if (!stopped) retry('connection lost');
    });
  }

  // Hands one JSON message to its handler.
  function dispatch(m, scx) {
    if (m.t === 'welcome') {
      attempt = 0;
      on.welcome(m, scx);
    } else if (m.t === 'obj') on.obj(m, undefined);
    else if (m.t === 'current') on.current(m.slide);
    else if (m.t === 'error') on.error(m);
    else if (m.t === 'refused') {
      stopped = true;
      on.refused(m);
    }
  }

  // Schedules the next attempt.
  function retry(why) {
    if (stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
    attempt += 1;
    on.status('disconnected', `${why}; reconnecting in ${Math.round(delay / 1000)} s`);
    timer = setTimeout(open, delay);
  }

  open();
  return {
    send(message, bytes) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      if (bytes) socket.send(bytes);
      return true;
    },
    restart() {
      stopped = false;
      attempt = 0;
      const old = socket;
      socket = null;
      old?.close();
      open();
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
