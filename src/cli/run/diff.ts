/** `tpdrift diff`: load both sides, compare them, run the rules, emit the report. */
import { compareSnapshots } from '../../diff/compare.js';
import { runDiff } from '../../engine/run.js';
import { makeReport } from '../../report/model.js';
import type { Io } from '../context.js';
import { loadArg } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport, sideInfo } from '../output.js';
import { reportConfig } from '../report-config.js';
import { loadConsumers } from '../consumer-args.js';

export async function run(a: ReportArgs & { old: string; new: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const oldSide = await loadArg(a.old, a.kind, io);
  const newSide = await loadArg(a.new, a.kind, io);
  const consumers = await loadConsumers(a, io);
  const findings = runDiff(compareSnapshots(oldSide.snapshot, newSide.snapshot), { config, ...(consumers ? { uses: consumers.uses } : {}) });
  const problems = [
    ...(oldSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'old' as const })),
    ...(newSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const })),
  ];
  return emitReport(makeReport({ old: sideInfo(oldSide), new: sideInfo(newSide), findings, problems, ...(consumers ? { consumers } : {}) }), a, io);
}
