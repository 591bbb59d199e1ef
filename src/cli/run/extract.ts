/** `tpdrift extract`: one source to a snapshot file, with what could not be read listed on stderr. */
import type { TreeArch } from '../../sources/tree/arch.js';
import type { SourceKind } from '../../model/snapshot.js';
import type { Io } from '../context.js';
import { loadSide, loadingOptions } from '../load-args.js';
import { writeSnapshot } from '../snapshot-output.js';

export async function run(a: { source: string; output?: string; kind?: SourceKind; btf?: string; arch?: TreeArch; kconfig?: string }, io: Io): Promise<number> {
  const src = await loadSide(a.source, a.btf, loadingOptions(a.kind, io, a));
  writeSnapshot(src.snapshot, a.output, io);
  const problems = src.snapshot.problems ?? [];
  if (problems.length > 0) {
    // Reported, not fatal: a whole tree carries on past what it cannot read.
    io.stderr(`tpdrift: ${src.label}: ${problems.length} definition(s) could not be read (listed in the snapshot's "problems"):\n`);
    for (const p of problems.slice(0, 20)) io.stderr(`  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
    if (problems.length > 20) io.stderr(`  … ${problems.length - 20} more\n`);
  }
  return 0;
}
