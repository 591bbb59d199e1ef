/**
 * The file pass on worker threads (reading ~90k files and scanning them is I/O and regex work that
 * splits well over 2 cores). Only available from the compiled module (a worker cannot load .ts
 * sources); callers fall back to the in-process pass when this returns undefined.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileScan } from './scan.js';

export interface WorkerRequest {
  root: string;
  /** Every file of the pass: each worker takes the next BATCH of them from `next` until none is left. */
  files: string[];
  /** One Int32 shared by the workers: the index of the first file no worker has taken yet. */
  next: SharedArrayBuffer;
}

/** Files a worker takes at a time: small enough to even out a few huge register headers, large enough that the shared counter is not contended. */
export const BATCH = 64;

/** The scans of files[start, start + scans.length), as each batch is done; then 'done'. */
export type WorkerMessage = { kind: 'batch'; start: number; scans: FileScan[] } | { kind: 'done' };

export function workerUrl(): URL | undefined {
  const url = new URL('./worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    return fs.existsSync(fileURLToPath(url)) ? url : undefined;
  } catch {
    return undefined;
  }
}

export async function scanInWorkers(
  root: string,
  files: string[],
  count: number,
  onProgress?: (done: number, total: number) => void,
): Promise<FileScan[] | undefined> {
  const url = workerUrl();
  if (!url || count < 1) return undefined;
  // Files are handed out in batches as workers ask, not split in advance: a tree's cost is very uneven (a
  // dozen AMD register headers of 7-24 MB each), and a fixed half left one core idle for ~0.8 s.
  const next = new SharedArrayBuffer(4);
  const out = new Array<FileScan>(files.length);
  let done = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(url, { workerData: { root, files, next } satisfies WorkerRequest });
          // Scans arrive batch by batch: a worker that kept them all to the end held a second copy of the
          // pass's results in its heap at the pass's peak of memory.
          worker.on('message', (m: WorkerMessage) => {
            if (m.kind === 'batch') {
              m.scans.forEach((scan, k) => (out[m.start + k] = scan));
              done += m.scans.length;
              onProgress?.(done, files.length);
            } else {
              resolve();
              void worker.terminate();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`tree scan worker exited with code ${code}`));
          });
        }),
    ),
  );
  onProgress?.(files.length, files.length);
  return out;
}
