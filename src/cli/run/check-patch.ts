/** `tpdrift check-patch`: patches applied in memory to a tree, before and after compared, what they add audited. */
import fs from 'node:fs';
import { InputError, UsageError } from '../../errors.js';
import { checkPatch } from '../../api/run.js';
import { detectKind } from '../../sources/registry.js';
import type { Io } from '../context.js';
import type { ReportArgs } from '../options.js';
import { emitReport, phaseReporter, progress } from '../output.js';
import { loadConsumers } from '../consumer-args.js';
import { STDIN_ARG } from '../stdin-arg.js';
import { reportConfig } from '../report-config.js';

const isStdin = (arg: string): boolean => arg === '-' || arg === STDIN_ARG;

function readPatchArg(arg: string): string {
  try {
    return fs.readFileSync(isStdin(arg) ? 0 : arg, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(isStdin(arg) ? '(stdin)' : arg, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a patch' : (e as Error).message);
  }
}

export async function run(a: ReportArgs & { patch: string[]; tree: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  if (a.kind && a.kind !== 'tree') throw new UsageError('check-patch works on a kernel source tree (--kind tree)');
  if (detectKind(a.tree) !== 'tree') throw new InputError(a.tree, 'not a kernel source tree (check-patch needs one: --tree DIR)');
  if (a.patch.length === 0) throw new UsageError('check-patch: name at least one patch file (or - for stdin)');
  const patches = a.patch.map((p) => ({ text: readPatchArg(p), label: isStdin(p) ? '(stdin)' : p }));
  const onProgress = progress(io, a.tree);
  const consumers = await loadConsumers(a, io);
  const check = await checkPatch(a.tree, patches, {
    config,
    ...(onProgress ? { onProgress } : {}),
    onPhase: phaseReporter(io, a.tree),
    ...(consumers ? { consumers } : {}),
    ...(a.arch ? { arch: a.arch } : {}),
    ...(a.kconfig !== undefined ? { kconfig: a.kconfig } : {}),
  });
  if (check.touchesNoDefinition) {
    io.stderr(`tpdrift: the patch touches no trace event definition (${check.touched.length} file(s) changed)\n`);
  }
  return emitReport(check, a, io);
}
