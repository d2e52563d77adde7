// The presenter page: needs the session's source credential (from the URL fragment `#credential=...`, never the
// query, or asked for), makes slides and objects (ids from the welcome's `nextId`, versions +1 per change),
// announces its current slide, and saves and loads deck files.

import { createBoard, isTyping } from './board.js';
import { connect, deviceParam, screenWidth } from './connect.js';
import { buildDeck, downloadDeck, loadPlan, readDeckFile } from './deck-file.js';
import { fitFrame } from './fit.js';
import { addImage } from './image-tool.js';
import { startTools } from './tools.js';

const $ = (id) => document.getElementById(id);
const NEW_SLIDE_BG = '#ffffff'; // background of a new slide

let credential = new URLSearchParams(location.hash.slice(1)).get('credential') ?? '';
const board = createBoard({ role: 'present', onPick: (n) => go(n) });
let link = null;

/** Sends a new version of (slide, id): one above the model's; `final` for strokes, `bytes` for images. */
function edit(slide, id, kind, body, { final, bytes } = {}) {
  const v = (board.model.get(slide, id)?.v ?? 0) + 1;
  const message = { t: 'obj', slide, id, v, kind, body };
  if (kind === 'stroke') message.final = final !== false;
  board.apply(message, bytes);
  if (link?.send(message, bytes)) board.recordSent(message);
  else board.message('Not connected: this change is only on this page.');
}

/** A fresh object id. */
function newId() {
  const id = Math.max(board.state.nextId, board.model.maxId() + 1);
  board.state.nextId = id + 1;
  return id;
}

/** Makes `slide` the current slide: announced, on screen, and reported as this page's interest. */
function go(slide) {
  if (slide === null || slide === undefined) return;
  link?.send({ t: 'current', slide });
  display(slide);
}

/** Shows `slide` as the current one without announcing it (it is announced already) and reports the interest. */
function display(slide) {
  if (!board.setCurrent(slide)) return;
  board.show(slide);
  link?.send({ t: 'view', slide });
  $('slide-title').value = board.model.slideObject(slide)?.body.title ?? '';
}

// Moves `by` slides among those that exist.
function step(by) {
  const slides = board.model.slideNumbers();
  const at = slides.indexOf(board.state.current);
  if (slides.length > 0) go(slides[Math.max(0, Math.min(slides.length - 1, (at < 0 ? 0 : at) + by))]);
}

// Makes a new slide after the last one and goes to it.
function newSlide() {
  const slide = Math.max(0, ...board.model.allSlideNumbers()) + 1;
  if (slide > 65535) return board.message('No more slides: 65535 is the last.');
  edit(slide, newId(), 'slide', { title: `Slide ${slide}`, bg: NEW_SLIDE_BG });
  go(slide);
}

// Renames the current slide (a new version of its `slide` object).
function rename() {
  const s = board.state.current === null ? undefined : board.model.slideObject(board.state.current);
  const title = $('slide-title').value.slice(0, 200);
  if (s && s.body.title !== title) edit(board.state.current, s.id, 'slide', { ...s.body, title });
}

// Loads a deck file: the presentation becomes what the file holds.
async function load(file) {
  try {
    const deck = await readDeckFile(file);
    for (const e of loadPlan(board.model, deck)) edit(e.slide, e.id, e.kind, e.body, { bytes: e.bytes });
    board.state.nextId = Math.max(board.state.nextId, board.model.maxId() + 1);
    go(deck.current ?? board.model.slideNumbers()[0]);
    board.message(`Loaded ${file.name}: ${deck.objects.length} objects.`);
  } catch (err) {
    board.message(`Cannot load ${file.name}: ${err.message}`, 'ERR_WB_DECK_INVALID');
  }
}

// Asks for the credential, then (re)connects.
function askCredential(why) {
  const form = $('credential-form');
  $('credential-why').textContent = why;
  form.hidden = false;
  $('credential').focus();
}

function start() {
  link = connect({
    hello: () => ({ t: 'hello', role: 'present', device: deviceParam(), width: screenWidth(), credential }),
    on: {
      welcome(m, scx) {
        board.welcome(m, scx);
        display(board.state.current);
      },
      obj: (m, bytes) => board.apply(m, bytes),
      current: (slide) => display(slide),
      refused(m) {
        const code = String(m.code ?? '');
        board.status('refused', 'refused');
        board.message(String(m.message ?? 'refused by the SCX'), code);
        if (code.startsWith('ERR_WB_CREDENTIAL')) askCredential(String(m.message ?? 'The credential was not accepted.'));
      },
      error: (m) => board.message(String(m.message ?? 'error'), String(m.code ?? '')),
      status: (s, text) => board.status(s, text),
    },
  });
}

$('credential-form').addEventListener('submit', (e) => {
  e.preventDefault();
  credential = $('credential').value;
  $('credential-form').hidden = true;
  if (link) link.restart();
  else start();
});
$('new-slide').addEventListener('click', newSlide);
$('prev').addEventListener('click', () => step(-1));
$('next').addEventListener('click', () => step(1));
$('slide-title').addEventListener('change', rename);
$('image-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (!file || board.state.current === null) return;
  const problem = await addImage(file, { slide: board.state.current, edit, newId });
  if (problem) board.message(problem, 'ERR_WB_IMAGE_INVALID');
});
$('save').addEventListener('click', () => {
  downloadDeck(buildDeck(board.model, { title: board.state.title, current: board.state.current }), board.state.presentation);
});
$('deck-file').addEventListener('change', (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (file) load(file);
});
document.addEventListener('keydown', (e) => {
  if (isTyping(e.target)) return;
  if (e.key === 'ArrowLeft' || e.key === 'PageUp') step(-1);
  else if (e.key === 'ArrowRight' || e.key === 'PageDown') step(1);
  else return;
  e.preventDefault();
});
startTools({ board, edit, newId, slide: () => board.state.current });
document.body.dataset.device = deviceParam();
fitFrame($('stage'), $('frame'));
if (credential) {
  history.replaceState(null, '', location.pathname + location.search); // the secret leaves the address bar
  start();
} else {
  board.status('connecting', 'waiting for the credential');
  askCredential('This presentation needs its source credential.');
}
