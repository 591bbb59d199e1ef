/** `tpdrift diff`: the library's diff, rendered and written. */
import { diff } from '../../api/run.js';
import type { Io } from '../context.js';
import { loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { reportConfig } from '../report-config.js';
import { architectureWarning } from '../../model/arch.js';

export async function run(a: ReportArgs & { old: string; new: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const outcome = await diff(a.old, a.new, { ...loadingOptions(a.kind, io), config });
  const arch = outcome.old ? architectureWarning(outcome.old.snapshot, outcome.new.snapshot) : undefined;
  if (arch) io.stderr(`tpdrift: warning: ${arch}\n`);
  return emitReport(outcome, a, io);
}
