/**
 * The distributions a node samples as it runs, for `/metrics` (`metrics.ts` puts them in the node's registry),
 * and the process's own metrics, started with the first node. Kept apart from `metrics.ts`, which reads the
 * node's state, so that the node can own them without an import cycle. Cheap by design: a probe echo is observed
 * once; a data packet at most once in `RELAY_SAMPLE_EVERY`.
 */

import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * prom-client's default metrics that `promtool check metrics` rejects (gauges named `_total`); the same counts
 * by type stay (`nodejs_active_handles{type}`, `nodejs_active_requests{type}`, `nodejs_active_resources{type}`).
 */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

let processRegistry: Registry | undefined;

/**
 * The process's metrics (CPU, memory, event-loop lag, GC, heap, handles): one set however many nodes the process
 * runs, in a registry of its own (never prom-client's global one). The event-loop figures cover the time since
 * the previous scrape of any node of the process.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    for (const name of LINT_FAILING_DEFAULTS) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/** One packet in this many that arrive from peers has its relay delay measured. */
export const RELAY_SAMPLE_EVERY = 64;

/** The node's histograms; registered in no registry until `/metrics` is first rendered. */
export class NodeHistograms {
  /** Each probe echo's round-trip time (the smoothed value per peer is the gauge `scattercast_probe_rtt_seconds`). */
  readonly probeRtt = new Histogram({
    name: 'scattercast_probe_rtt_sample_seconds',
    help: 'Round-trip time of each probe echo, all peers together.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });

  /** From a packet's arrival from a peer to its first write toward the next SCX (scheduler queueing included). */
  readonly relayDelay = new Histogram({
    name: 'scattercast_relay_delay_seconds',
    help: `Time from a data packet's arrival from a peer to its first write on an outgoing link; 1 in ${RELAY_SAMPLE_EVERY} packets is sampled.`,
    buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  });

  constructor() {
    processMetrics(); // the event-loop and GC monitors run from the first node on, not from the first scrape
  }
}
