/** Worker thread entry for ./pool.ts: takes batches of files until none is left, posting each batch's scans. */
import { workerData } from 'node:worker_threads';
import { type WorkerMessage, type WorkerRequest, takeBatches } from './pool.js';

const req = workerData as WorkerRequest;
takeBatches(req, (start, scans) => {
  // The defined-name hashes move to the receiving thread rather than being copied (their buffers are the
  // scans' own: scan.ts slices each one).
  const hashBuffers = scans.flatMap((s) => (s.definedNames ? [s.definedNames.buffer as ArrayBuffer] : []));
  req.port.postMessage({ kind: 'batch', start, scans } satisfies WorkerMessage, hashBuffers);
});
req.port.postMessage({ kind: 'done' } satisfies WorkerMessage);
req.port.close();
