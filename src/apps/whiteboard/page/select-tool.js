// Select and delete: a click picks the topmost object under it (outlined on the overlay); Delete, Backspace or
// the Delete button replaces it with a `deleted` version.

const PAD = 6; // slack around an object's box for picking and the outline, px

/** The select tool; `ctx` is the tools' context (tools.js). Also `remove()` for the selected object. */
export function selectTool(ctx) {
  let picked = null; // { slide, id }

  // The object's box on the slide (x, y, w, h), or undefined for what cannot be picked.
  function box(o) {
    const b = o.body;
    if (o.kind === 'rect' || o.kind === 'image') return { x: b.x, y: b.y, w: b.w, h: b.h };
    if (o.kind === 'stroke') {
      const xs = b.points.map((p) => p[0]);
      const ys = b.points.map((p) => p[1]);
      const x = Math.min(...xs) - b.width / 2;
      const y = Math.min(...ys) - b.width / 2;
      return { x, y, w: Math.max(...xs) - x + b.width / 2, h: Math.max(...ys) - y + b.width / 2 };
    }
    if (o.kind === 'text') {
      ctx.ink.font = `${b.size}px sans-serif`;
      const lines = b.text.split('\n');
      const w = Math.max(...lines.map((l) => ctx.ink.measureText(l).width));
      return { x: b.x, y: b.y, w, h: lines.length * b.size * 1.2 };
    }
    return undefined;
  }

  const hits = (r, [x, y]) => x >= r.x - PAD && x <= r.x + r.w + PAD && y >= r.y - PAD && y <= r.y + r.h + PAD;

  function outline() {
    ctx.clear();
    const o = picked && ctx.board.model.get(picked.slide, picked.id);
    const r = o && o.kind !== 'deleted' ? box(o) : undefined;
    if (!r) return;
    ctx.ink.setLineDash([10, 6]);
    ctx.ink.strokeStyle = '#1f6feb';
    ctx.ink.lineWidth = 2;
    ctx.ink.strokeRect(r.x - PAD, r.y - PAD, r.w + 2 * PAD, r.h + 2 * PAD);
  }

  return {
    down(p) {
      const slide = ctx.slide();
      const top = ctx.board.model.objects(slide).reverse().find((o) => {
        const r = box(o);
        return r !== undefined && hits(r, p);
      });
      picked = top ? { slide, id: top.id } : null;
      outline();
    },
    move() {},
    up() {},
    cancel() {
      picked = null;
      ctx.clear();
    },
    /** Deletes the selected object, if any. */
    remove() {
      if (!picked) return;
      ctx.edit(picked.slide, picked.id, 'deleted', {});
      this.cancel();
    },
  };
}
