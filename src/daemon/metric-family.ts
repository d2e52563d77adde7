/** One Prometheus family read from state at scrape time (prom-client), the building block of every node metric. */

import { Counter, Gauge, type Registry } from 'prom-client';

/** A series' labels. */
export type Labels = Record<string, string | number>;

/** One series: its labels and its value. */
export type Sample = [labels: Labels, value: number];

/** A family read from state at scrape time: `read` gives every sample (a series it no longer gives is gone). */
export function family(registry: Registry, type: 'gauge' | 'counter', name: string, help: string, labelNames: string[], read: () => Sample[]): void {
  if (type === 'gauge') {
    const g: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        g.reset();
        for (const [labels, value] of read()) g.set(labels, value);
      },
    });
  } else {
    const c: Counter = new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        c.reset();
        for (const [labels, value] of read()) c.inc(labels, value);
      },
    });
  }
}
