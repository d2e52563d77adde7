/** The counters of a module run inside another, renamed with a prefix: `sourcesRefused` -> `forwardSourcesRefused`. */
export function prefixed(prefix: string, counters: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(counters)) out[`${prefix}${name.slice(0, 1).toUpperCase()}${name.slice(1)}`] = n;
  return out;
}
