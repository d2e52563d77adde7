/**
 * The whiteboard's object kinds and the rules every object body keeps (contract section 3's table), for the
 * server: one implementation, `page/body-rules.js`, which the pages load as it is (the browser cannot import
 * TypeScript) and the server through its `.d.ts`. Deck files, a presenter's WebSocket edits and ADUs from the
 * network are all checked by it.
 */

export {
  CANVAS,
  checkBody,
  findBodyProblem,
  formatBodyPath,
  IMAGE_MIMES,
  KIND_CODES,
  kindName,
  MAX_COORD,
  MAX_IMAGE_BYTES,
  MAX_STROKE_POINTS,
  MAX_TEXT_CHARS,
  MAX_TITLE_CHARS,
  type BodyProblem,
  type KindName,
} from '../page/body-rules.js';
