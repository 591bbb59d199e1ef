/**
 * Every source kind tpdrift reads, in the order detection asks them. `detectKind`, `loadSource` and the
 * `--kind` choices derive from this list: a kind is offered only once it has a reader. A new source kind is a
 * folder under src/sources/ exporting a SourceReader, and one line here.
 */
import fs from 'node:fs';
import type { OriginKind, Snapshot, SourceKind } from '../model/snapshot.js';
import { InputError } from '../errors.js';
import { type LoadOptions, type SourceReader, makeProbe } from './source.js';
import { isSnapshotPath, readSnapshot } from './snapshot-file.js';
import { tracefsSource } from './tracefs/source.js';
import { treeSource } from './tree/source.js';
import { btfSource } from './btf/source.js';

export const SOURCE_READERS: readonly SourceReader[] = [tracefsSource, treeSource, btfSource];

/** What `--kind` offers: a snapshot file (a container of any origin), then every origin with a reader. */
export const ARGUMENT_KINDS: readonly SourceKind[] = ['snapshot', ...SOURCE_READERS.map((r) => r.kind)];

export interface LoadedSource {
  /** The argument as the user wrote it. */
  label: string;
  /** The kind of source the argument is (a snapshot file is `snapshot`, whatever it was made from). */
  kind: SourceKind;
  snapshot: Snapshot;
}

export interface LoadSourceOptions extends LoadOptions {
  kind?: SourceKind;
}

export function readerFor(kind: OriginKind): SourceReader | undefined {
  return SOURCE_READERS.find((r) => r.kind === kind);
}

function statArg(arg: string): fs.Stats {
  try {
    return fs.statSync(arg);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(arg, code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
}

/** Decides what kind of source `arg` is, from its name and contents. */
export function detectKind(arg: string): SourceKind {
  const stat = statArg(arg);
  if (!stat.isFile() && !stat.isDirectory()) throw new InputError(arg, 'neither a file nor a directory');
  if (stat.isFile() && isSnapshotPath(arg)) return 'snapshot';
  const probe = makeProbe(arg, stat);
  const reader = SOURCE_READERS.find((r) => r.detect(probe));
  if (reader) return reader.kind;
  if (stat.isDirectory()) {
    if (!isReadableDir(arg)) throw new InputError(arg, 'permission denied');
    if (probe.entries().length === 0) throw new InputError(arg, 'empty directory: not a kernel tree or tracefs capture');
  }
  if (stat.isFile()) {
    const files = ['snapshot (.json, .json.gz)', ...SOURCE_READERS.flatMap((r) => r.looksLike.file ?? [])];
    throw new InputError(arg, `not a ${files.join(', ')} or directory`);
  }
  const dirs = SOURCE_READERS.flatMap((r) => r.looksLike.dir ?? []).sort();
  throw new InputError(arg, `not a ${dirs.join(' or ')}; use --kind to say which`);
}

function isReadableDir(p: string): boolean {
  try {
    fs.readdirSync(p);
    return true;
  } catch {
    return false;
  }
}

export async function loadSource(arg: string, opts: LoadSourceOptions = {}): Promise<LoadedSource> {
  const kind = opts.kind ?? detectKind(arg);
  const { kind: _forced, ...loadOpts } = opts;
  if (kind === 'snapshot') return { label: arg, kind, snapshot: readSnapshot(arg) };
  const reader = readerFor(kind);
  if (!reader) throw new InputError(arg, `no reader for sources of kind '${kind}'`);
  return { label: arg, kind, snapshot: await reader.load(arg, loadOpts) };
}
