/**
 * Worker thread entry for an isolated tree extraction (./isolate.ts): runs loadTree in this thread's own
 * heap and posts the snapshot back. Everything else the extraction allocated dies with the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../errors.js';
import { loadTreeInProcess } from './tree.js';
import type { IsolatedMessage, IsolatedRequest } from './isolate.js';

const req = workerData as IsolatedRequest;
const post = (m: IsolatedMessage): void => parentPort!.postMessage(m);
try {
  const snapshot = await loadTreeInProcess(req.root, {
    ...req.options,
    onProgress: (done, total) => post({ kind: 'progress', done, total }),
    onPhase: (phase) => post({ kind: 'phase', phase }),
  });
  post({ kind: 'done', snapshot });
} catch (e) {
  if (e instanceof InputError) post({ kind: 'input-error', file: e.file, message: e.message, ...(e.line !== undefined ? { line: e.line } : {}) });
  else post({ kind: 'error', message: (e as Error).message, stack: (e as Error).stack ?? '' });
}
