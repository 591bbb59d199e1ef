import { type LoadingOptions, load } from '../api/run.js';
import type { LoadedSource } from '../sources/registry.js';
import { mergeBtf } from '../sources/btf/merge.js';
import type { SourceKind } from '../model/snapshot.js';
import type { Io } from './context.js';
import type { LoadPhase } from '../sources/source.js';
import type { TreeArch } from '../sources/tree/arch.js';
import { phaseReporter, progress } from './output.js';

/** How the command line loads its source arguments: a forced kind, and a progress line per argument on a terminal. */
export function loadingOptions(kind: SourceKind | undefined, io: Io, tree: { arch?: TreeArch | undefined; kconfig?: string | undefined } = {}): LoadingOptions {
  const lines = new Map<string, ((done: number, total: number) => void) | undefined>();
  const opts: LoadingOptions = kind ? { kind } : {};
  if (tree.arch) opts.arch = tree.arch;
  if (tree.kconfig !== undefined) opts.kconfig = tree.kconfig;
  if (io.stderrIsTTY) {
    opts.onProgress = (label, done, total) => {
      if (!lines.has(label)) lines.set(label, progress(io, label));
      lines.get(label)?.(done, total);
    };
  }
  const phases = new Map<string, (p: LoadPhase) => void>();
  opts.onPhase = (label, phase) => {
    if (!phases.has(label)) phases.set(label, phaseReporter(io, label));
    phases.get(label)!(phase);
  };
  return opts;
}

/**
 * One side, optionally with the BTF of the same kernel merged in (`--btf`, `--btf-old`, `--btf-new`): a capture
 * then has prototypes and classes too. The BTF file is always read as kind btf, whatever `--kind` says.
 */
export async function loadSide(arg: string, btf: string | undefined, opts: LoadingOptions): Promise<LoadedSource> {
  const side = await load(arg, opts);
  if (btf === undefined) return side;
  const b = await load(btf, { ...opts, kind: 'btf' });
  return { label: `${side.label} + ${b.label}`, kind: side.kind, snapshot: mergeBtf(side.snapshot, b.snapshot, b.label) };
}
