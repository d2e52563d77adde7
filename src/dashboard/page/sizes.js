// Drawing dimensions of the graph (SVG user units), shared by layout, geometry and glyphs.

export const NODE_R = 22; // node circle radius (fits a five-digit port)
export const ITEM_DIST = 50; // node centre to client glyph centre
export const ITEM_WIDTH = { client: 70, receiver: 160 }; // horizontal room per hanging glyph and its label
export const CLIENT_SIZE = 12; // client square side
export const RECEIVER_SIZE = 14; // receiver glyph side
export const LINE_H = 13; // label line height
export const CHAR_W = 7; // rough width of one character of a 12px label, for overlap checks
export const LABEL_TRIES = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78]; // where along a tree edge its label may go, best first
export const HEADER_H = 36; // room for a cluster's name and frontend above its nodes
export const LABEL_ROOM = 46; // room beyond a hanging glyph for its label (three lines)
export const GROUP_GAP = 90; // space between cluster regions (client labels may poke out of their region)
export const MARGIN = 80; // space around the whole picture
export const MIN_VIEW = { w: 900, h: 640 }; // smallest viewBox, so a lone cluster is not drawn huge
