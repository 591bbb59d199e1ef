/** `tpdrift diff`: the library's diff, rendered and written. */
import { diff } from '../../api/run.js';
import type { Io } from '../context.js';
import { loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { reportConfig } from '../report-config.js';
import { loadConsumers } from '../consumer-args.js';

export async function run(a: ReportArgs & { old: string; new: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const consumers = await loadConsumers(a, io);
  return emitReport(await diff(a.old, a.new, { ...loadingOptions(a.kind, io), config, ...(consumers ? { consumers } : {}) }), a, io);
}
