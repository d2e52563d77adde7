// The viewer page: follows the presenter's current slide, or browses freely (prev/next, the strip, arrow keys),
// and tells its SCX which slide is on screen (its interest) whenever that changes.

import { createBoard, isTyping } from './board.js';
import { connect, deviceParam, screenWidth } from './connect.js';
import { fitFrame } from './fit.js';

const $ = (id) => document.getElementById(id);

let follow = true;
let told = null; // the slide last reported in `view`

const board = createBoard({ role: 'view', onPick: (n) => browse(n) });

// The slide the viewer should see: the presenter's when following (the first slide until one is announced).
function target() {
  const slides = board.model.slideNumbers();
  if (follow) return board.state.current ?? slides[0] ?? null;
  return board.state.shown ?? board.state.current ?? slides[0] ?? null;
}

// Puts the target slide on screen and reports it when it changed.
function update() {
  const slide = target();
  if (slide !== board.state.shown) board.show(slide);
  $('follow').setAttribute('aria-pressed', String(follow));
  if (slide !== null && slide !== told && link.send({ t: 'view', slide })) told = slide;
}

// Leaves follow mode and shows `slide`.
function browse(slide) {
  follow = false;
  board.show(slide);
  update();
}

// Shows the slide `step` places away among the slides that exist.
function step(by) {
  const slides = board.model.slideNumbers();
  if (slides.length === 0) return;
  const at = slides.indexOf(board.state.shown);
  const next = slides[Math.max(0, Math.min(slides.length - 1, (at < 0 ? 0 : at) + by))];
  browse(next);
}

const link = connect({
  hello: () => ({ t: 'hello', role: 'view', device: deviceParam(), width: screenWidth() }),
  on: {
    welcome(m, scx) {
      told = null;
      board.welcome(m, scx);
      update();
    },
    obj(m, bytes) {
      // A new slide can change what to show only while nothing is announced or nothing is on screen.
      if (board.apply(m, bytes) && (board.state.shown === null || (follow && board.state.current === null))) update();
    },
    current(slide) {
      if (board.setCurrent(slide)) update();
    },
    refused(m) {
      board.status('refused', 'refused');
      board.message(String(m.message ?? 'refused by the SCX'), String(m.code ?? ''));
    },
    error(m) {
      board.message(String(m.message ?? 'error'), String(m.code ?? ''));
    },
    status: (s, text) => board.status(s, text),
  },
});

$('prev').addEventListener('click', () => step(-1));
$('next').addEventListener('click', () => step(1));
$('follow').addEventListener('click', () => {
  follow = !follow;
  update();
});
document.addEventListener('keydown', (e) => {
  if (isTyping(e.target)) return;
  if (e.key === 'ArrowLeft') step(-1);
  else if (e.key === 'ArrowRight') step(1);
  else if (e.key === 'f') $('follow').click();
  else return;
  e.preventDefault();
});
document.body.dataset.device = deviceParam();
fitFrame($('stage'), $('frame'));
