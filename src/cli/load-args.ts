import type { LoadingOptions } from '../api/run.js';
import type { SourceKind } from '../model/snapshot.js';
import type { Io } from './context.js';
import { progress } from './output.js';

/** How the command line loads its source arguments: a forced kind, and a progress line per argument on a terminal. */
export function loadingOptions(kind: SourceKind | undefined, io: Io): LoadingOptions {
  const lines = new Map<string, ((done: number, total: number) => void) | undefined>();
  const opts: LoadingOptions = kind ? { kind } : {};
  if (io.stderrIsTTY) {
    opts.onProgress = (label, done, total) => {
      if (!lines.has(label)) lines.set(label, progress(io, label));
      lines.get(label)?.(done, total);
    };
  }
  return opts;
}
