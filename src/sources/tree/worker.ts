/** Worker thread entry for ./pool.ts: scans its share of the files and posts the results. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FileScan, scanFile } from './scan.js';
import type { WorkerMessage, WorkerRequest } from './pool.js';

const req = workerData as WorkerRequest;
const scans: FileScan[] = [];
for (let i = 0; i < req.files.length; i++) {
  scans.push(scanFile(req.root, req.files[i]!));
  if (i % 500 === 499) parentPort?.postMessage({ kind: 'progress', done: i + 1 } satisfies WorkerMessage);
}
parentPort?.postMessage({ kind: 'done', scans } satisfies WorkerMessage);
