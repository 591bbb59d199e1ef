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
  files: string[];
}

export type WorkerMessage = { kind: 'progress'; done: number } | { kind: 'done'; scans: FileScan[] };

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
  const parts: string[][] = Array.from({ length: count }, () => []);
  files.forEach((f, i) => parts[i % count]!.push(f));
  const done = new Array<number>(count).fill(0);
  const results = await Promise.all(
    parts.map(
      (part, w) =>
        new Promise<FileScan[]>((resolve, reject) => {
          const worker = new Worker(url, { workerData: { root, files: part } satisfies WorkerRequest });
          worker.on('message', (m: WorkerMessage) => {
            if (m.kind === 'progress') {
              done[w] = m.done;
              onProgress?.(done.reduce((a, b) => a + b, 0), files.length);
            } else {
              resolve(m.scans);
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
  return results.flat();
}
