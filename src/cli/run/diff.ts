/** `tpdrift diff`: the library's diff, rendered and written. */
import { diff } from '../../api/run.js';
import type { Io } from '../context.js';
import { loadSide, loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { reportConfig } from '../report-config.js';
import { architectureWarning } from '../../model/arch.js';
import { loadConsumers } from '../consumer-args.js';

export async function run(a: ReportArgs & { old: string; new: string; 'btf-old'?: string; 'btf-new'?: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const opts = loadingOptions(a.kind, io, a);
  const old = await loadSide(a.old, a['btf-old'], opts);
  const neu = await loadSide(a.new, a['btf-new'], opts);
  const consumers = await loadConsumers(a, io);
  const outcome = await diff(old, neu, { ...opts, config, ...(consumers ? { consumers } : {}) });
  const arch = outcome.old ? architectureWarning(outcome.old.snapshot, outcome.new.snapshot) : undefined;
  if (arch) io.stderr(`tpdrift: warning: ${arch}\n`);
  return emitReport(outcome, a, io);
}
