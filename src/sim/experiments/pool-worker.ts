// One worker thread of the experiment pool (see pool.ts): runs the scenario jobs it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { runScenario, type ScenarioResult } from '../scenario.ts';
import { describeFailure, type WorkerReply, type WorkerRequest } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('pool-worker.ts runs only as a worker thread of the experiment pool');

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const result: ScenarioResult = runScenario(request.options);
    reply = { id: request.id, result };
  } catch (err) {
    reply = { id: request.id, error: describeFailure(err) };
  }
  try {
    port.postMessage(reply);
  } catch (err) {
    // A result that cannot be cloned is a bug of the job, reported as its failure.
    port.postMessage({ id: request.id, error: describeFailure(err) } satisfies WorkerReply);
  }
});
