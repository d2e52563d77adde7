// DOM building (SVG and HTML element factories) and in-place updating (morphing a live tree to match a new one).

const SVG_NS = 'http://www.w3.org/2000/svg';
const HTML_NS = 'http://www.w3.org/1999/xhtml';

// Shorthand for getElementById.
export const $ = (id) => document.getElementById(id);

// Builds an element in namespace `ns`; null/undefined/false attributes and children are skipped.
function make(ns, tag, attrs, children) {
  const el = document.createElementNS(ns, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Builds an SVG element.
export const s = (tag, attrs, ...children) => make(SVG_NS, tag, attrs, children);

// Builds an HTML element.
export const h = (tag, attrs, ...children) => make(HTML_NS, tag, attrs, children);

// Makes `live` match `next` with as few DOM changes as possible, so tooltips and hover survive updates.
function morph(live, next) {
  if (live.nodeType !== next.nodeType || live.nodeName !== next.nodeName) {
    live.replaceWith(next);
  } else if (live.nodeType !== Node.ELEMENT_NODE) {
    if (live.nodeValue !== next.nodeValue) live.nodeValue = next.nodeValue;
  } else {
    syncAttributes(live, next);
    morphChildren(live, next);
  }
}

// Morphs children pairwise by position, appending what is missing and removing the surplus.
export function morphChildren(live, next) {
  const have = [...live.childNodes];
  const want = [...next.childNodes];
  want.forEach((child, i) => (i < have.length ? morph(have[i], child) : live.append(child)));
  for (const extra of have.slice(want.length)) extra.remove();
}

// Copies `next`'s attributes onto `live` and drops those `next` lacks.
function syncAttributes(live, next) {
  for (const { name } of [...live.attributes]) if (!next.hasAttribute(name)) live.removeAttribute(name);
  for (const { name, value } of [...next.attributes]) if (live.getAttribute(name) !== value) live.setAttribute(name, value);
}
