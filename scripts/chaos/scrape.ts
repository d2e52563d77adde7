/**
 * The nodes' /metrics read at one moment, for counters by label: `counter(name, { code: 'X' })` sums the series of
 * `name` whose labels include those given, over the nodes asked for. A node that does not answer counts 0 (and is
 * listed in `silent`).
 */

import { ADMIN_PORT, type Deployment } from './deployment.ts';

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class Scrape {
  private constructor(
    private readonly byNode: ReadonlyMap<number, readonly Series[]>,
    readonly silent: readonly number[],
  ) {}

  /** Reads /metrics of `nodes` (default: every live node). */
  static async of(d: Deployment, nodes: readonly number[] = d.live()): Promise<Scrape> {
    const texts = await Promise.all(
      nodes.map(async (i) => {
        try {
          const res = await fetch(`http://${d.lan.ip(i)}:${ADMIN_PORT}/metrics`, { signal: AbortSignal.timeout(3000) });
          return [i, await res.text()] as const;
        } catch {
          return [i, undefined] as const;
        }
      }),
    );
    const byNode = new Map<number, Series[]>();
    const silent: number[] = [];
    for (const [i, text] of texts) {
      if (text === undefined) silent.push(i);
      else byNode.set(i, parse(text));
    }
    return new Scrape(byNode, silent);
  }

  /** The sum of `name`'s series whose labels include `labels`, over `nodes` (default: every node read). */
  counter(name: string, labels: Readonly<Record<string, string>> = {}, nodes?: readonly number[]): number {
    let sum = 0;
    for (const [i, series] of this.byNode) {
      if (nodes !== undefined && !nodes.includes(i)) continue;
      for (const s of series) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
    return sum;
  }
}

function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** `after - before` for one counter. */
export function delta(before: Scrape, after: Scrape, name: string, labels: Readonly<Record<string, string>> = {}, nodes?: readonly number[]): number {
  return after.counter(name, labels, nodes) - before.counter(name, labels, nodes);
}
