// Sizes the slide's frame (the slide canvas and, on the presenter page, its overlay) to the largest 16:9 box that
// fits inside the stage's padding, in whole CSS pixels, so two pages with the same layout and window show the slide at one size.

import { SLIDE_H, SLIDE_W } from './kinds.js';

/** Keeps `frame` fitted to `stage` as the window changes. */
export function fitFrame(stage, frame) {
  const fit = () => {
    const css = getComputedStyle(stage);
    const width = stage.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
    const height = stage.clientHeight - parseFloat(css.paddingTop) - parseFloat(css.paddingBottom);
    const scale = Math.max(0, Math.min(width / SLIDE_W, height / SLIDE_H));
    frame.style.width = `${Math.floor(SLIDE_W * scale)}px`;
    frame.style.height = `${Math.floor(SLIDE_H * scale)}px`;
  };
  new ResizeObserver(fit).observe(stage);
  fit();
}
