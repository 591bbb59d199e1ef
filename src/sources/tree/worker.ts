/** Worker thread entry for ./pool.ts: takes batches of files until none is left, and posts their scans. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FileScan, scanFile } from './scan.js';
import { BATCH, type WorkerMessage, type WorkerRequest } from './pool.js';

const req = workerData as WorkerRequest;
const next = new Int32Array(req.next);
const indexes: number[] = [];
const scans: FileScan[] = [];
for (;;) {
  const start = Atomics.add(next, 0, BATCH);
  if (start >= req.files.length) break;
  const end = Math.min(start + BATCH, req.files.length);
  for (let i = start; i < end; i++) {
    indexes.push(i);
    scans.push(scanFile(req.root, req.files[i]!));
    if (scans.length % 500 === 0) parentPort?.postMessage({ kind: 'progress', done: scans.length } satisfies WorkerMessage);
  }
}
parentPort?.postMessage({ kind: 'done', indexes, scans } satisfies WorkerMessage);
