// Rectangles: drag from one corner to the other (a dashed preview on the overlay), released as one object.

const MIN_SIDE = 2; // smaller drags are taken as clicks and make nothing, px

/** The rectangle tool; `ctx` is the tools' context (tools.js). */
export function rectTool(ctx) {
  let start = null;

  const box = (a, b) => ({ x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), w: Math.abs(a[0] - b[0]), h: Math.abs(a[1] - b[1]) });

  return {
    down(p) {
      start = p;
    },
    move(p) {
      if (!start) return;
      const { x, y, w, h } = box(start, p);
      ctx.clear();
      ctx.ink.setLineDash([12, 8]);
      ctx.ink.strokeStyle = '#1f6feb';
      ctx.ink.lineWidth = 2;
      ctx.ink.strokeRect(x, y, w, h);
    },
    up(p) {
      if (!start) return;
      const { x, y, w, h } = box(start, p);
      const slide = ctx.slide();
      this.cancel();
      if (w < MIN_SIDE || h < MIN_SIDE) return;
      const { color, width, fill } = ctx.style();
      ctx.edit(slide, ctx.newId(), 'rect', { x, y, w, h, color, width, fill });
    },
    cancel() {
      start = null;
      ctx.clear();
    },
  };
}
