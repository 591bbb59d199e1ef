/** `tpdrift lint`: the library's lint, rendered and written. */
import { lint } from '../../api/run.js';
import type { Io } from '../context.js';
import { loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { reportConfig } from '../report-config.js';

export async function run(a: ReportArgs & { source: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  return emitReport(await lint(a.source, { ...loadingOptions(a.kind, io), config }), a, io);
}
