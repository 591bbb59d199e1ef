/**
 * The file pass on several threads (reading ~90k files and scanning them is I/O and byte work that splits
 * well over 2 cores): the calling thread and `count - 1` workers take batches of files from one shared
 * counter. Only available from the compiled module (a worker cannot load .ts sources); callers fall back to
 * the in-process pass when this returns undefined.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { type FileScan, type ScanPart, releaseReadBuffer, scanFile } from './scan.js';

/** One scan of the pass: a file, and what of it to read. */
export interface ScanTask {
  file: string;
  part: ScanPart;
}

export interface WorkerRequest {
  root: string;
  /** Every scan of the pass: each thread takes the next BATCH of them from `next` until none is left. */
  tasks: ScanTask[];
  /** One Int32 shared by the threads: the index of the first task no thread has taken yet. */
  next: SharedArrayBuffer;
  /** Where the worker posts its batches (WorkerMessage). */
  port: MessagePort;
}

/** Files a worker takes at a time: small enough to even out a few huge register headers, large enough that the shared counter is not contended. */
export const BATCH = 64;

/** The scans of tasks[start, start + scans.length), as each batch is done; then 'done'. */
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

/** Takes batches of the pass's files until none is left, scanning each batch in this thread. */
export function takeBatches(req: Omit<WorkerRequest, 'port'>, onBatch: (start: number, scans: FileScan[]) => void): void {
  const next = new Int32Array(req.next);
  for (;;) {
    const start = Atomics.add(next, 0, BATCH);
    if (start >= req.tasks.length) return;
    const end = Math.min(start + BATCH, req.tasks.length);
    const scans: FileScan[] = [];
    for (let i = start; i < end; i++) scans.push(scanFile(req.root, req.tasks[i]!.file, req.tasks[i]!.part));
    onBatch(start, scans);
  }
}

/** Work for the calling thread once the first `count` tasks are done (their scans, in order), while the workers go on. */
export interface FirstTasks {
  count: number;
  then: (scans: FileScan[]) => void;
}

export async function scanInWorkers(
  root: string,
  tasks: ScanTask[],
  count: number,
  onProgress?: (done: number, total: number) => void,
  first?: FirstTasks,
): Promise<FileScan[] | undefined> {
  const url = workerUrl();
  if (!url || count < 1) return undefined;
  // Files are handed out in batches as threads ask, not split in advance: a tree's cost is very uneven (a
  // dozen AMD register headers of 7-24 MB each), and a fixed half left one core idle for ~0.8 s.
  const next = new SharedArrayBuffer(4);
  const out = new Array<FileScan>(tasks.length);
  let done = 0;
  let firstDone = 0;
  let firstTaken = false;
  const take = (start: number, scans: FileScan[]): void => {
    scans.forEach((scan, k) => (out[start + k] = scan));
    done += scans.length;
    if (first) firstDone += Math.max(0, Math.min(start + scans.length, first.count) - start);
    onProgress?.(done, tasks.length);
  };
  /** Runs `first.then` once its tasks are all in (the workers' batches keep arriving in the port meanwhile). */
  const takeFirst = (): void => {
    if (!first || firstTaken || firstDone < first.count) return;
    firstTaken = true;
    first.then(out.slice(0, first.count));
  };
  // This thread scans too, rather than waiting for the workers: one V8 isolate and one allocator arena fewer
  // for the same parallelism. Workers post each batch as they finish it (a worker that kept them all held a
  // second copy of the pass's results at the pass's peak of memory); this thread picks those up between its
  // own batches, so that they do not wait in the queue.
  const workers = Array.from({ length: count - 1 }, () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(url, { workerData: { root, tasks, next, port: port2 } satisfies WorkerRequest, transferList: [port2] });
    let finished = false;
    const receive = (m: WorkerMessage): void => {
      if (m.kind === 'batch') take(m.start, m.scans);
      else finished = true;
    };
    const drain = (): void => {
      while (!finished) {
        const m = receiveMessageOnPort(port1);
        if (!m) return;
        receive(m.message as WorkerMessage);
      }
    };
    const whenDone = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        drain();
        const settle = (): void => {
          port1.close();
          void worker.terminate();
          resolve();
        };
        if (finished) return settle();
        port1.on('message', (m: WorkerMessage) => {
          receive(m);
          if (finished) settle();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`tree scan worker exited with code ${code}`));
        });
      });
    return { drain, whenDone };
  });
  takeFirst();
  takeBatches({ root, tasks, next }, (start, scans) => {
    take(start, scans);
    for (const w of workers) w.drain();
    takeFirst();
  });
  releaseReadBuffer();
  await Promise.all(workers.map((w) => w.whenDone()));
  takeFirst();
  onProgress?.(tasks.length, tasks.length);
  return out;
}
