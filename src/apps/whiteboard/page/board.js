// What both pages share: the model, the slide canvas (redrawn from the model after each batch of changes), the
// slide strip, the status line and message area, and the test hooks on `window.wb` (contract section 6).

import { bitmapOf } from './images.js';
import { isSlide } from './kinds.js';
import { Model } from './model.js';
import { drawSlide } from './render.js';

const $ = (id) => document.getElementById(id);

const NOT_TEXT = new Set(['radio', 'checkbox', 'button', 'submit', 'file', 'color']);

/** Whether keys typed at `target` are text (so the page's shortcuts leave them alone). */
export function isTyping(target) {
  return (target instanceof HTMLInputElement && !NOT_TEXT.has(target.type)) || target instanceof HTMLTextAreaElement;
}

/** The board of one page; `onPick(slide)` runs when a slide in the strip is chosen. */
export function createBoard({ role, onPick }) {
  const model = new Model();
  const state = { role, device: '', scx: '', title: '', presentation: '', shown: null, current: null, nextId: 1 };
  const rendered = [];
  const sent = [];
  const drawnVersions = new Set(); // `${slide}:${id}:${v}` already recorded in `rendered`
  let scheduled = false;

  // Draws the slide on screen and records each version drawn for the first time.
  function redraw() {
    scheduled = false;
    const slide = state.shown;
    const objects = slide === null ? [] : model.objects(slide);
    const drawn = drawSlide($('slide'), objects, (entry) => bitmapOf(entry, schedule));
    const at = Date.now();
    for (const o of drawn) {
      const key = `${slide}:${o.id}:${o.v}`;
      if (!drawnVersions.has(key)) {
        drawnVersions.add(key);
        rendered.push({ id: o.id, v: o.v, at });
      }
    }
    fillStrip();
    document.body.dataset.shown = String(slide ?? '');
  }

  // Redraws once after the messages of this turn of the event loop.
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(redraw, 0);
  }

  // The slide strip: one button per slide that exists, the one on screen marked, the presenter's current flagged.
  function fillStrip() {
    const strip = $('strip');
    const buttons = model.slideNumbers().map((n) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.slide = String(n);
      const title = model.slideObject(n)?.body.title ?? '';
      b.textContent = title ? `${n}. ${title}` : String(n);
      b.title = `Show slide ${n}${n === state.current ? ' (the presenter\'s current slide)' : ''}`;
      if (n === state.shown) b.setAttribute('aria-current', 'true');
      if (n === state.current) b.classList.add('live');
      b.addEventListener('click', () => onPick(n));
      return b;
    });
    strip.replaceChildren(...buttons);
  }

  const board = {
    model,
    state,
    /** Takes one object version (from the SCX or a local edit); true when it was newer. */
    apply(message, bytes) {
      const fresh = model.apply(message, bytes);
      if (fresh) schedule();
      return fresh;
    },
    /** Puts `slide` on screen. */
    show(slide) {
      state.shown = slide;
      schedule();
    },
    /** Records the presenter's current slide (from `welcome` or `current`); false when it is not a slide number. */
    setCurrent(slide) {
      if (!isSlide(slide)) return false;
      state.current = slide;
      schedule();
      return true;
    },
    /** Takes the welcome: who we are at which SCX, the title, the current slide and the next free object id. */
    welcome(m, scx) {
      state.scx = typeof m.scx === 'string' ? m.scx : scx;
      state.device = m.device === 'small' ? 'small' : 'desktop';
      state.title = typeof m.title === 'string' ? m.title : '';
      state.presentation = typeof m.presentation === 'string' ? m.presentation : '';
      if (Number.isInteger(m.nextId) && m.nextId > state.nextId) state.nextId = m.nextId;
      if (m.current !== null) board.setCurrent(m.current);
      document.body.dataset.device = state.device;
      $('title').textContent = state.title || 'Scattercast whiteboard';
      document.title = `${state.title || 'Whiteboard'} (${role === 'present' ? 'presenter' : 'viewer'})`;
      board.status('live', `connected to ${state.scx} · ${role === 'present' ? 'presenter' : 'viewer'} · ${state.device}`);
      board.message('');
      schedule();
    },
    /** Records a version sent by the presenter. */
    recordSent(o) {
      sent.push({ id: o.id, v: o.v, at: Date.now() });
    },
    /** Sets the status line (`state`: connecting, live, disconnected, refused). */
    status(s, text) {
      const el = $('status');
      el.dataset.state = s;
      el.textContent = text;
      document.body.dataset.status = s;
    },
    /** Shows a message to the user ('' clears it); `code` is kept for tests. */
    message(text, code = '') {
      const el = $('message');
      el.textContent = text;
      el.hidden = text === '';
      el.dataset.code = code;
    },
    redraw: schedule,
  };

  window.wb = {
    model: (slide) => model.snapshot(slide),
    current: () => state.current,
    shown: () => state.shown,
    rendered,
    sent,
    imageInfo(id) {
      const o = model.findImage(id);
      return o ? { bytes: o.bytes?.byteLength ?? 0, mime: o.body.mime, ...pngHeader(o.bytes) } : undefined;
    },
    stats: () => ({ stale: model.stale, invalid: model.invalid }),
  };
  return board;
}

/** A PNG's IHDR fields (`width`, `height`, `bitDepth`, `colorType`), or {} for anything else. */
function pngHeader(bytes) {
  if (!bytes || bytes.byteLength < 26 || bytes[0] !== 0x89 || bytes[1] !== 0x50) return {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colorType: bytes[25] };
}
