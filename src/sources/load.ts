/** Turns a command-line argument into a snapshot, whatever kind of source it names. */
import fs from 'node:fs';
import path from 'node:path';
import type { Snapshot, SourceKind } from '../model/snapshot.js';
import { InputError } from '../errors.js';
import { isSnapshotPath, readSnapshot } from './snapshot-file.js';
import { isTarPath, loadTracefs } from './tracefs/reader.js';

export interface LoadedSource {
  /** The argument as the user wrote it. */
  label: string;
  /** The kind of source the argument is (a snapshot file is `snapshot`, whatever it was made from). */
  kind: SourceKind;
  snapshot: Snapshot;
}

export interface LoadOptions {
  kind?: SourceKind;
  onProgress?: (done: number, total: number) => void;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Decides what kind of source `arg` is, from its name and contents. */
export function detectKind(arg: string): SourceKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(arg);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(arg, code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  if (st.isFile()) {
    if (isSnapshotPath(arg)) return 'snapshot';
    if (isTarPath(arg)) return 'tracefs';
    throw new InputError(arg, 'not a snapshot (.json, .json.gz), tracefs archive (.tar, .tar.gz) or directory');
  }
  if (!st.isDirectory()) throw new InputError(arg, 'neither a file nor a directory');
  if (isDir(path.join(arg, 'events')) || path.basename(path.resolve(arg)) === 'events') return 'tracefs';
  if (isDir(path.join(arg, 'include', 'trace')) || isDir(path.join(arg, 'kernel'))) return 'tree';
  let entries: string[];
  try {
    entries = fs.readdirSync(arg);
  } catch {
    throw new InputError(arg, 'permission denied');
  }
  if (entries.length === 0) throw new InputError(arg, 'empty directory: not a kernel tree or tracefs capture');
  throw new InputError(arg, 'not a kernel tree (no include/trace) or tracefs capture (no events/); use --kind to say which');
}

export async function loadSource(arg: string, opts: LoadOptions = {}): Promise<LoadedSource> {
  const kind = opts.kind ?? detectKind(arg);
  let snapshot: Snapshot;
  switch (kind) {
    case 'snapshot':
      snapshot = readSnapshot(arg);
      break;
    case 'tracefs':
      snapshot = await loadTracefs(arg);
      break;
    case 'tree': {
      // Loaded on demand: tree-sitter is the heaviest module and most runs compare snapshots.
      const { loadTree } = await import('./tree/index.js');
      snapshot = await loadTree(arg, opts.onProgress ? { onProgress: opts.onProgress } : {});
      break;
    }
    case 'btf':
      throw new InputError(arg, 'BTF sources are not supported yet');
  }
  return { label: arg, kind, snapshot };
}
