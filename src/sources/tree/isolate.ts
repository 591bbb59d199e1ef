/**
 * A whole-tree extraction in a thread of its own. The extraction's working set (file scans, parsed headers,
 * macro expansions) is garbage once the snapshot exists, but V8 only returns a grown heap slowly: a command
 * that reads two trees (`diff tree-a tree-b`) held the first tree's heap while reading the second. In a worker
 * the heap is dropped with the thread, and only the snapshot crosses back.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../../model/snapshot.js';
import { InputError } from '../../errors.js';
import type { LoadTreeOptions } from './options.js';
import type { LoadPhase } from '../source.js';

export interface IsolatedRequest {
  root: string;
  options: Pick<LoadTreeOptions, 'workers' | 'label' | 'parseCache' | 'arch' | 'kconfig'>;
}

export type IsolatedMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'phase'; phase: LoadPhase }
  | { kind: 'done'; snapshot: Snapshot }
  | { kind: 'input-error'; file: string; message: string; line?: number }
  | { kind: 'error'; message: string; stack: string };

/** The compiled worker module, or undefined when running from .ts sources (tests): then extraction stays in-process. */
function isolatedWorkerUrl(): URL | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const url = new URL('./tree-worker.js', import.meta.url);
  try {
    return fs.existsSync(fileURLToPath(url)) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** loadTree in a worker thread; undefined when no compiled worker is available (the caller runs in-process). */
export async function loadTreeIsolated(root: string, opts: LoadTreeOptions): Promise<Snapshot | undefined> {
  const url = isolatedWorkerUrl();
  if (!url || opts.overlay) return undefined;
  const options: IsolatedRequest['options'] = {};
  if (opts.workers !== undefined) options.workers = opts.workers;
  if (opts.label !== undefined) options.label = opts.label;
  if (opts.parseCache !== undefined) options.parseCache = opts.parseCache;
  if (opts.arch !== undefined) options.arch = opts.arch;
  if (opts.kconfig !== undefined) options.kconfig = opts.kconfig;
  return new Promise<Snapshot>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(url, { workerData: { root, options } satisfies IsolatedRequest });
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: IsolatedMessage) => {
      if (m.kind === 'progress') opts.onProgress?.(m.done, m.total);
      else if (m.kind === 'phase') opts.onPhase?.(m.phase);
      else if (m.kind === 'done') settle(() => resolve(m.snapshot));
      else if (m.kind === 'input-error') settle(() => reject(new InputError(m.file, m.message, m.line)));
      else {
        const err = new Error(m.message);
        err.stack = m.stack;
        settle(() => reject(err));
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`tree extraction worker exited with code ${code}`))));
  });
}
