import type { SourceKind } from '../model/snapshot.js';
import { loadSource, type LoadedSource } from '../sources/registry.js';
import type { Io } from './context.js';
import { phaseReporter, progress } from './output.js';

/** Loads one source argument, with a progress line on a terminal. */
export async function loadArg(arg: string, kind: SourceKind | undefined, io: Io): Promise<LoadedSource> {
  const onProgress = progress(io, arg);
  return loadSource(arg, { ...(kind ? { kind } : {}), ...(onProgress ? { onProgress } : {}), onPhase: phaseReporter(io, arg) });
}
