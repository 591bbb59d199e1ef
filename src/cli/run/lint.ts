/** `tpdrift lint`: the audit rules over every tracepoint of one source. */
import { runAudit } from '../../engine/run.js';
import { makeReport } from '../../report/model.js';
import type { Io } from '../context.js';
import { loadArg } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport, sideInfo } from '../output.js';
import { reportConfig } from '../report-config.js';

export async function run(a: ReportArgs & { source: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const src = await loadArg(a.source, a.kind, io);
  const events = src.snapshot.events;
  const findings = runAudit({ snapshot: src.snapshot, events, all: events, isChange: false }, { config });
  const problems = (src.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const }));
  return emitReport(makeReport({ new: sideInfo(src), findings, problems }), a, io);
}
