/** The baseline: iperf3 on loopback, one TCP stream, server and client as tracked children of this run. */

import { accessSync, constants } from 'node:fs';
import { freePort } from './cluster.ts';
import { spawnTracked, stopChild, systemCpu } from './procs.ts';
import { median, progress } from './util.ts';

export interface IperfResult {
  /** Median over the runs, bits per second received. */
  readonly bitsPerSecond: number;
  readonly gbps: number;
  readonly runs: number[];
  readonly seconds: number;
  /** CPU other processes used during the runs, cores (median). */
  readonly otherCpu: number;
}

const IPERF = '/usr/bin/iperf3';

export async function runIperf(seconds: number, reps: number): Promise<IperfResult> {
  try {
    accessSync(IPERF, constants.X_OK);
  } catch {
    throw new Error(`the throughput baseline needs iperf3 at ${IPERF} (apt-get install iperf3; CI does not install it), or leave it out: --only latency,throughput,udp`);
  }
  const runs: number[] = [];
  const other: number[] = [];
  for (let r = 1; r <= reps; r++) {
    const { bps, otherCores } = await once(seconds);
    runs.push(bps);
    other.push(otherCores);
    progress(`iperf3 run ${r}/${reps}: ${(bps / 1e9).toFixed(2)} Gbit/s (other processes ${otherCores.toFixed(2)} cores)`);
  }
  const bitsPerSecond = median(runs);
  return { bitsPerSecond, gbps: bitsPerSecond / 1e9, runs, seconds, otherCpu: median(other) };
}

async function once(seconds: number): Promise<{ bps: number; otherCores: number }> {
  const port = await freePort();
  const server = spawnTracked(IPERF, ['-s', '-1', '--forceflush', '-p', String(port)]);
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('iperf3 server did not start listening within 10 s')), 10_000);
      server.once('error', (err) => reject(new Error(`cannot run ${IPERF}: ${err.message}`)));
      server.once('exit', (code) => reject(new Error(`iperf3 server exited with status ${code}`)));
      server.stdout?.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if (out.includes('Server listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const client = spawnTracked(IPERF, ['-c', '127.0.0.1', '-p', String(port), '-t', String(seconds), '-J']);
    const done = systemCpu([]);
    let json = '';
    client.stdout?.setEncoding('utf8').on('data', (s: string) => (json += s));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        void stopChild(client, 500);
        reject(new Error(`iperf3 client still running ${seconds + 20} s after it started`));
      }, (seconds + 20) * 1000);
      client.once('error', (err) => reject(err));
      client.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const machine = done();
    const parsed = JSON.parse(json) as {
      error?: string;
      end?: { sum_received?: { bits_per_second?: number }; cpu_utilization_percent?: { host_total?: number; remote_total?: number } };
    };
    const bps = parsed.end?.sum_received?.bits_per_second;
    const iperfCpu = parsed.end?.cpu_utilization_percent;
    // The children are gone by now: their CPU comes from iperf3's own report (percent of one core each).
    const otherCores = Math.max(0, machine.machineCores - ((iperfCpu?.host_total ?? NaN) + (iperfCpu?.remote_total ?? NaN)) / 100);
    if (code !== 0 || typeof bps !== 'number') throw new Error(`iperf3 client failed (status ${code}): ${parsed.error ?? 'no end.sum_received'}`);
    return { bps, otherCores };
  } finally {
    await stopChild(server, 1000);
  }
}
