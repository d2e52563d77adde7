// The one renderer both pages use: draws a slide's objects, in id order, on a canvas whose bitmap is always the
// 1600x900 logical slide (CSS scales the element), so the presenter and a desktop viewer draw identical pixels.
// No tool feedback is drawn here (the presenter's overlay canvas has that).

import { SLIDE_H, SLIDE_W } from './kinds.js';

const BLANK = '#ffffff';
const LINE_HEIGHT = 1.2; // text line spacing, in font sizes

/** Draws `objects` (sorted by id) on `canvas`; `bitmapOf(entry)` gives a decoded image or undefined. Returns the entries drawn. */
export function drawSlide(canvas, objects, bitmapOf) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(canvas.width / SLIDE_W, 0, 0, canvas.height / SLIDE_H, 0, 0);
  const slide = objects.find((o) => o.kind === 'slide');
  ctx.fillStyle = slide ? slide.body.bg : BLANK;
  ctx.fillRect(0, 0, SLIDE_W, SLIDE_H);
  const drawn = [];
  for (const o of objects) if (drawObject(ctx, o, bitmapOf)) drawn.push(o);
  return drawn;
}

// Draws one object; false when there is nothing to draw yet (an image not decoded).
function drawObject(ctx, o, bitmapOf) {
  const b = o.body;
  ctx.save();
  try {
    switch (o.kind) {
      case 'text': return drawText(ctx, b);
      case 'stroke': return drawStroke(ctx, b);
      case 'rect': return drawRect(ctx, b);
      case 'image': return drawImage(ctx, b, bitmapOf(o));
      default: return true; // `slide` is the background, drawn first
    }
  } finally {
    ctx.restore();
  }
}

// Text: top-left at (x, y), one line per '\n'.
function drawText(ctx, b) {
  ctx.font = `${b.size}px sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillStyle = b.color;
  b.text.split('\n').forEach((line, i) => ctx.fillText(line, b.x, b.y + i * b.size * LINE_HEIGHT));
  return true;
}

// A freehand stroke: round joins and caps; one point is a dot.
function drawStroke(ctx, b) {
  const [first, ...rest] = b.points;
  ctx.strokeStyle = b.color;
  ctx.fillStyle = b.color;
  if (rest.length === 0) {
    ctx.beginPath();
    ctx.arc(first[0], first[1], b.width / 2, 0, 2 * Math.PI);
    ctx.fill();
    return true;
  }
  ctx.lineWidth = b.width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(first[0], first[1]);
  for (const [x, y] of rest) ctx.lineTo(x, y);
  ctx.stroke();
  return true;
}

// A rectangle: filled when `fill` is a colour, outlined when `width` > 0.
function drawRect(ctx, b) {
  if (b.fill !== null) {
    ctx.fillStyle = b.fill;
    ctx.fillRect(b.x, b.y, b.w, b.h);
  }
  if (b.width > 0) {
    ctx.strokeStyle = b.color;
    ctx.lineWidth = b.width;
    ctx.strokeRect(b.x, b.y, b.w, b.h);
  }
  return true;
}

// An image, stretched to its box; false until its bitmap is decoded.
function drawImage(ctx, b, bitmap) {
  if (!bitmap) return false;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, b.x, b.y, b.w, b.h);
  return true;
}
