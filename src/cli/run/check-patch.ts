/** `tpdrift check-patch`: patches applied in memory to a tree, before and after compared, what they add audited. */
import fs from 'node:fs';
import { InputError, UsageError } from '../../errors.js';
import { checkPatch } from '../../api/run.js';
import { detectKind } from '../../sources/registry.js';
import type { Io } from '../context.js';
import type { ReportArgs } from '../options.js';
import { emitReport, progress } from '../output.js';
import { reportConfig } from '../report-config.js';
import { loadConsumers } from '../consumer-args.js';

function readPatchArg(arg: string): string {
  try {
    return fs.readFileSync(arg === '-' ? 0 : arg, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(arg === '-' ? '(stdin)' : arg, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a patch' : (e as Error).message);
  }
}

export async function run(a: ReportArgs & { patch: string[]; tree: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  if (a.kind && a.kind !== 'tree') throw new UsageError('check-patch works on a kernel source tree (--kind tree)');
  if (detectKind(a.tree) !== 'tree') throw new InputError(a.tree, 'not a kernel source tree (check-patch needs one: --tree DIR)');
  const patches = a.patch.map((p) => ({ text: readPatchArg(p), label: p === '-' ? '(stdin)' : p }));
  const onProgress = progress(io, a.tree);
  const consumers = await loadConsumers(a, io);
  const check = await checkPatch(a.tree, patches, { config, ...(onProgress ? { onProgress } : {}), ...(consumers ? { consumers } : {}) });
  if (check.touchesNoDefinition) {
    io.stderr(`tpdrift: the patch touches no trace event definition (${check.touched.length} file(s) changed)\n`);
  }
  return emitReport(check.report, a, io);
}
