/** `tpdrift lint`: the library's lint, rendered and written. */
import { lint } from '../../api/run.js';
import type { Io } from '../context.js';
import { loadSide, loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { reportConfig } from '../report-config.js';

export async function run(a: ReportArgs & { source: string; btf?: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const opts = loadingOptions(a.kind, io, a);
  return emitReport(await lint(await loadSide(a.source, a.btf, opts), { ...opts, config }), a, io);
}
