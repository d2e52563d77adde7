// Entry point: the live connection to ../v1/live (a full snapshot about once a second), reconnects, and the pickers.

import { $ } from './dom.js';
import { setStatus } from './header.js';
import { render } from './render.js';
import { state } from './state.js';

const STALE_MS = 8000; // reconnect when an open socket stays silent this long

// The ws(s):// URL of /v1/live, resolved relative to the page so a path prefix in front of /dashboard/ is kept.
function liveUrl() {
  const url = new URL('../v1/live', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

// Opens the socket; each message is a full snapshot, a close schedules a reconnect.
function connect() {
  clearTimeout(state.retryTimer);
  setStatus('connecting');
  const ws = new WebSocket(liveUrl());
  state.socket = ws;
  state.lastMessage = 0;
  ws.addEventListener('open', () => { state.lastMessage = Date.now(); });
  ws.addEventListener('message', (event) => onMessage(ws, event.data));
  ws.addEventListener('close', () => drop(ws));
}

// Takes one snapshot message from the current socket and redraws.
function onMessage(ws, data) {
  if (ws !== state.socket) return;
  let snap;
  try {
    snap = JSON.parse(data);
  } catch {
    return; // not a snapshot; wait for the next one
  }
  if (!snap || typeof snap !== 'object' || !Array.isArray(snap.nodes)) return;
  state.lastMessage = Date.now();
  state.attempt = 0;
  setStatus('live');
  state.snapshot = snap;
  render();
}

// Forgets a socket that closed or went silent and schedules the next attempt (1 s, 2 s, 4 s, then 5 s).
function drop(ws) {
  if (ws !== state.socket) return;
  state.socket = null;
  if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
  setStatus('disconnected');
  const delay = Math.min(5000, 1000 * 2 ** state.attempt);
  state.attempt += 1;
  state.retryTimer = setTimeout(connect, delay);
}

// Drops an open socket that has stopped delivering snapshots.
function watchdog() {
  const ws = state.socket;
  if (ws?.readyState === WebSocket.OPEN && state.lastMessage && Date.now() - state.lastMessage > STALE_MS) drop(ws);
}

// Wires the pickers and starts the connection.
function start() {
  $('session').addEventListener('change', (e) => { state.session = e.target.value; state.source = ''; render(); });
  $('source').addEventListener('change', (e) => { state.source = e.target.value; render(); });
  setInterval(watchdog, 1000);
  connect();
}

start();
