// The presenter's drawing tools: the toolbar's choice and style pickers, and pointer input on the overlay canvas
// (which sits over the slide and shows only tool feedback), turned into slide coordinates for the chosen tool.

import { isTyping } from './board.js';
import { SLIDE_H, SLIDE_W } from './kinds.js';
import { penTool } from './pen-tool.js';
import { rectTool } from './rect-tool.js';
import { selectTool } from './select-tool.js';
import { textTool } from './text-tool.js';

const $ = (id) => document.getElementById(id);

/** Wires the tools to `editor` (`{ board, edit, newId, slide }`, see present.js). Returns `{ cancel() }`. */
export function startTools(editor) {
  const overlay = $('overlay');
  const ink = overlay.getContext('2d');
  const ctx = { ...editor, ink, style, clear, toScreen };
  const tools = { pen: penTool(ctx), rect: rectTool(ctx), text: textTool(ctx), select: selectTool(ctx) };
  let active = null; // the tool of the pointer gesture under way

  // Wipes the overlay and resets what a tool may have left set on it.
  function clear() {
    ink.setLineDash([]);
    ink.clearRect(0, 0, SLIDE_W, SLIDE_H);
  }

  // The slide coordinates of a pointer event, rounded to 0.1 px.
  function toSlide(e) {
    const box = overlay.getBoundingClientRect();
    const round = (n) => Math.round(n * 10) / 10;
    return [round(((e.clientX - box.left) * SLIDE_W) / box.width), round(((e.clientY - box.top) * SLIDE_H) / box.height)];
  }

  // CSS pixels from the overlay's top-left corner of a slide point (for placing the text input).
  function toScreen([x, y]) {
    const box = overlay.getBoundingClientRect();
    return [(x * box.width) / SLIDE_W, (y * box.height) / SLIDE_H];
  }

  overlay.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || editor.slide() === null) return;
    active = tools[chosen()];
    overlay.setPointerCapture(e.pointerId);
    active?.down(toSlide(e));
    e.preventDefault();
  });
  overlay.addEventListener('pointermove', (e) => active?.move(toSlide(e)));
  overlay.addEventListener('pointerup', (e) => {
    active?.up(toSlide(e));
    active = null;
  });
  overlay.addEventListener('pointercancel', () => {
    active?.cancel();
    active = null;
  });
  for (const radio of document.querySelectorAll('input[name="tool"]')) {
    radio.addEventListener('change', () => cancelAll());
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') cancelAll();
    else if ((e.key === 'Delete' || e.key === 'Backspace') && !isTyping(e.target)) tools.select.remove();
  });
  $('delete').addEventListener('click', () => tools.select.remove());

  function cancelAll() {
    for (const t of Object.values(tools)) t.cancel();
    active = null;
  }
  return { cancel: cancelAll };
}

/** The tool chosen in the toolbar. */
function chosen() {
  return document.querySelector('input[name="tool"]:checked')?.value ?? 'pen';
}

/** The pickers' values: `{ color, width (px, 1..50), fill (#rrggbb or null), size (text px, 8..200) }`. */
function style() {
  const clamp = (v, lo, hi, dflt) => (Number.isFinite(Number(v)) ? Math.max(lo, Math.min(hi, Math.round(Number(v)))) : dflt);
  return {
    color: $('color').value.toLowerCase(),
    width: clamp($('width').value, 1, 50, 4),
    fill: $('filled').checked ? $('fill').value.toLowerCase() : null,
    size: clamp($('size').value, 8, 200, 48),
  };
}
