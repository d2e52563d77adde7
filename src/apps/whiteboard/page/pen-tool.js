// Freehand strokes: the ink shows at once on the overlay; the stroke object goes out as best-effort `final:false`
// versions at most every PEN_INTERVAL_MS while drawing, then one reliable `final:true` version.

import { MAX_POINTS } from './kinds.js';

/** Least time between two in-progress versions of a stroke, ms. */
export const PEN_INTERVAL_MS = 50;

/** The pen; `ctx` is the tools' context (tools.js). */
export function penTool(ctx) {
  let stroke = null; // { slide, id, points, style, lastSent }

  function send(final) {
    const { slide, id, points, style } = stroke;
    ctx.edit(slide, id, 'stroke', { points: points.slice(), color: style.color, width: style.width }, { final });
    stroke.lastSent = Date.now();
  }

  function ink() {
    const { points, style } = stroke;
    ctx.clear();
    ctx.ink.strokeStyle = style.color;
    ctx.ink.lineWidth = style.width;
    ctx.ink.lineCap = 'round';
    ctx.ink.lineJoin = 'round';
    ctx.ink.beginPath();
    ctx.ink.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points) ctx.ink.lineTo(x, y);
    ctx.ink.stroke();
  }

  return {
    down(p) {
      stroke = { slide: ctx.slide(), id: ctx.newId(), points: [p], style: ctx.style(), lastSent: 0 };
      ink();
      send(false);
    },
    move(p) {
      if (!stroke || stroke.points.length >= MAX_POINTS) return;
      const last = stroke.points[stroke.points.length - 1];
      if (last[0] === p[0] && last[1] === p[1]) return;
      stroke.points.push(p);
      ink();
      if (Date.now() - stroke.lastSent >= PEN_INTERVAL_MS) send(false);
    },
    up(p) {
      if (!stroke) return;
      this.move(p);
      send(true);
      this.cancel();
    },
    cancel() {
      stroke = null;
      ctx.clear();
    },
  };
}
