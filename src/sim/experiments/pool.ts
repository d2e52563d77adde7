import { availableParallelism, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ScError } from '../../core/errors.ts';
import { runScenario, type ScenarioOptions, type ScenarioResult } from '../scenario.ts';

/** Heap limit of each worker thread, MB: three quarters of the machine's memory (Node's default is far lower). */
const WORKER_HEAP_MB = Math.floor((totalmem() / 2 ** 20) * 0.75);

/** One independent simulation to run. */
export interface Job {
  readonly id: string;
  readonly options: ScenarioOptions;
}

/** What one job measured. */
export interface JobResult {
  readonly id: string;
  readonly result: ScenarioResult;
}

export interface PoolOptions {
  /** Worker threads; default `os.availableParallelism()`. 0 runs every job in this thread, one after another. */
  workers?: number;
  /** Called after each finished job with the jobs finished so far, the total, and the job just finished. */
  onDone?: (done: number, total: number, last: JobResult) => void;
}

/** Message from the pool to a worker: run this job. */
export interface WorkerRequest {
  readonly id: string;
  readonly options: ScenarioOptions;
}

/** An error as it crosses the thread boundary. */
export interface WorkerFailure {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Message from a worker to the pool: the job's result, or why it failed. */
export type WorkerReply =
  | { readonly id: string; readonly result: ScenarioResult }
  | { readonly id: string; readonly error: WorkerFailure };

/**
 * Runs independent scenario jobs spread over worker threads and resolves to their results in the order of `jobs`.
 * Jobs are handed out one at a time to whichever worker is free, the most expensive first. The first failing job
 * (or crashing worker) rejects with an error naming the job; all workers are terminated before the promise settles.
 */
export async function runJobs(jobs: readonly Job[], opts: PoolOptions = {}): Promise<JobResult[]> {
  const workers = workerCount(opts.workers, jobs.length);
  if (jobs.length === 0) return [];
  if (workers === 0) return runInThread(jobs, opts.onDone);
  return runInWorkers(jobs, workers, opts.onDone);
}

/** Relative cost of a job, for handing out long jobs first: events grow about with SCXs squared times virtual time. */
export function jobCost(options: ScenarioOptions): number {
  return options.scx * options.scx * options.maxTimeS;
}

/** Turns an error thrown by a job into the pool's rejection: names the job, keeps an `ScError`'s code. */
export function jobError(id: string, failure: WorkerFailure, cause?: unknown): Error {
  const message = `job ${id} failed: ${failure.message}`;
  const err = failure.name === 'ScError' && failure.code !== undefined ? new ScError(failure.code, message) : new Error(message);
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** Describes a thrown value as a structured-cloneable failure. */
export function describeFailure(err: unknown): WorkerFailure {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(err.stack !== undefined ? { stack: err.stack } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}

function workerCount(requested: number | undefined, jobs: number): number {
  if (requested === undefined) return Math.max(1, Math.min(availableParallelism(), jobs));
  if (!Number.isInteger(requested) || requested < 0) {
    throw new RangeError(`workers must be a whole number >= 0, got ${requested}`);
  }
  return Math.min(requested, jobs);
}

async function runInThread(jobs: readonly Job[], onDone: PoolOptions['onDone']): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of jobs) {
    let result: ScenarioResult;
    try {
      result = runScenario(job.options);
    } catch (err) {
      throw jobError(job.id, describeFailure(err), err);
    }
    const done: JobResult = { id: job.id, result };
    results.push(done);
    onDone?.(results.length, jobs.length, done);
    // Let timers and I/O (a progress display, signals) run between jobs.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return results;
}

/**
 * Source of each worker thread: a one-line script that imports the worker module beside this one (an eval'd
 * script, not a file, so that flags the parent was started with, such as `--input-type`, cannot get in its way).
 * Built (dist/), that is plain `pool-worker.js`. Run from the sources under tsx, it is `pool-worker.ts`, and
 * Node 20 does not run module hooks given to a worker through `execArgv` (`--import tsx` is silently a no-op
 * there), so the worker registers tsx itself at run time, as bin/scattercast.js does, before importing it.
 */
function bootstrapSource(): string {
  if (!import.meta.url.endsWith('.ts')) return `import(${JSON.stringify(new URL('./pool-worker.js', import.meta.url).href)});`;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerModule = new URL('./pool-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerModule)}); });`;
}

function runInWorkers(jobs: readonly Job[], count: number, onDone: PoolOptions['onDone']): Promise<JobResult[]> {
  const total = jobs.length;
  // Most expensive first; ties keep their order (Array.prototype.sort is stable).
  const order = jobs.map((_, i) => i).sort((a, b) => jobCost((jobs[b] as Job).options) - jobCost((jobs[a] as Job).options));
  const results: (JobResult | undefined)[] = new Array<JobResult | undefined>(total);
  const running = new Map<Worker, number>();
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;

  return new Promise<JobResult[]>((resolve, reject) => {
    const stopAll = async (): Promise<void> => {
      await Promise.allSettled(pool.map((w) => w.terminate()));
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      void stopAll().then(() => reject(err));
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      void stopAll().then(() => resolve(results as JobResult[]));
    };
    const runningJob = (w: Worker): string => {
      const i = running.get(w);
      return i === undefined ? 'while idle' : `while running job ${(jobs[i] as Job).id}`;
    };
    const dispatch = (w: Worker): void => {
      const i = order[next];
      if (i === undefined) {
        running.delete(w);
        return;
      }
      next++;
      running.set(w, i);
      const job = jobs[i] as Job;
      const request: WorkerRequest = { id: job.id, options: job.options };
      w.postMessage(request);
    };
    const onReply = (w: Worker, reply: WorkerReply): void => {
      if (settled) return;
      const i = running.get(w);
      const job = i === undefined ? undefined : jobs[i];
      if (i === undefined || job === undefined || reply.id !== job.id) {
        fail(new Error(`pool worker answered for job ${reply.id} ${runningJob(w)}`));
        return;
      }
      if ('error' in reply) {
        fail(jobError(job.id, reply.error, Object.assign(new Error(reply.error.message), reply.error)));
        return;
      }
      const finished: JobResult = { id: job.id, result: reply.result };
      results[i] = finished;
      done++;
      running.delete(w);
      try {
        onDone?.(done, total, finished);
      } catch (err) {
        fail(err);
        return;
      }
      if (done === total) finish();
      else dispatch(w);
    };

    try {
      const source = bootstrapSource();
      for (let k = 0; k < count; k++) {
        // A large session keeps every SCX's view of every other: let a worker use most of the machine's memory.
        const w = new Worker(source, { eval: true, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
        pool.push(w);
        w.on('message', (reply: WorkerReply) => onReply(w, reply));
        w.on('messageerror', (err) => fail(new Error(`pool worker sent an unreadable message ${runningJob(w)}: ${err.message}`)));
        w.on('error', (err) => fail(new Error(`pool worker crashed ${runningJob(w)}: ${err.message}`, { cause: err })));
        w.on('exit', (code) => fail(new Error(`pool worker exited unexpectedly with code ${code} ${runningJob(w)}`)));
        dispatch(w);
      }
    } catch (err) {
      fail(err);
    }
  });
}
