/** Worker thread entry for ./pool.ts: takes batches of files until none is left, posting each batch's scans. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FileScan, scanFile } from './scan.js';
import { BATCH, type WorkerMessage, type WorkerRequest } from './pool.js';

const req = workerData as WorkerRequest;
const next = new Int32Array(req.next);
for (;;) {
  const start = Atomics.add(next, 0, BATCH);
  if (start >= req.files.length) break;
  const end = Math.min(start + BATCH, req.files.length);
  const scans: FileScan[] = [];
  for (let i = start; i < end; i++) scans.push(scanFile(req.root, req.files[i]!));
  // The defined-name hashes move to the receiving thread rather than being copied (their buffers are the
  // scans' own: scan.ts slices each one).
  const hashBuffers = scans.flatMap((s) => (s.definedNames ? [s.definedNames.buffer as ArrayBuffer] : []));
  parentPort!.postMessage({ kind: 'batch', start, scans } satisfies WorkerMessage, hashBuffers);
}
parentPort!.postMessage({ kind: 'done' } satisfies WorkerMessage);
