// Text: a click puts an input over the slide at that point; Enter makes the text object, Escape drops it.

const $ = (id) => document.getElementById(id);

/** The text tool; `ctx` is the tools' context (tools.js). */
export function textTool(ctx) {
  const input = $('text-input');
  let at = null; // { slide, p }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
    e.stopPropagation();
  });

  function commit() {
    const text = input.value.slice(0, 2000);
    if (at && text.trim() !== '') {
      const { color, size } = ctx.style();
      ctx.edit(at.slide, ctx.newId(), 'text', { x: at.p[0], y: at.p[1], text, size, color });
    }
    close();
  }

  function close() {
    at = null;
    input.value = '';
    input.hidden = true;
  }

  return {
    down() {},
    move() {},
    up(p) {
      at = { slide: ctx.slide(), p };
      const [left, top] = ctx.toScreen(p);
      input.style.left = `${left}px`;
      input.style.top = `${top}px`;
      input.hidden = false;
      setTimeout(() => input.focus(), 0);
    },
    cancel: close,
  };
}
