// Image upload: the chosen file becomes an image object centred on the slide, scaled to fit it (never up). A file
// of a type pages cannot all draw, or larger than MAX_IMAGE_BYTES, is re-encoded as a JPEG first.

import { IMAGE_MIMES, MAX_IMAGE_BYTES, SLIDE_H, SLIDE_W } from './kinds.js';

const FIT = 0.9; // share of the slide an image may cover at most
const REENCODE_MAX_SIDE = 3200; // longest side of a re-encoded image, px
const REENCODE_QUALITY = 0.88; // JPEG quality of a re-encoded image, 0..1

/** Makes an image object on `slide` from `file` through `edit`/`newId` (present.js); resolves to an error message or ''. */
export async function addImage(file, { slide, edit, newId }) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return `${file.name} is not an image this browser can read`;
  }
  let mime = file.type;
  let bytes = new Uint8Array(await file.arrayBuffer());
  if (!IMAGE_MIMES.includes(mime) || bytes.byteLength > MAX_IMAGE_BYTES) {
    bytes = await reencode(bitmap);
    mime = 'image/jpeg';
    if (bytes.byteLength > MAX_IMAGE_BYTES) return `${file.name} is too large even as a JPEG (${bytes.byteLength} bytes)`;
  }
  const scale = Math.min(1, (SLIDE_W * FIT) / bitmap.width, (SLIDE_H * FIT) / bitmap.height);
  const w = Math.round(bitmap.width * scale);
  const h = Math.round(bitmap.height * scale);
  bitmap.close();
  edit(slide, newId(), 'image', { x: Math.round((SLIDE_W - w) / 2), y: Math.round((SLIDE_H - h) / 2), w, h, mime }, { bytes });
  return '';
}

// The bitmap as a JPEG, its longest side at most REENCODE_MAX_SIDE.
async function reencode(bitmap) {
  const scale = Math.min(1, REENCODE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: REENCODE_QUALITY });
  return new Uint8Array(await blob.arrayBuffer());
}
