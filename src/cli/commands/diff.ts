import type { CommandModule } from 'yargs';
import { compareSnapshots } from '../../diff/compare.js';
import { runDiff } from '../../engine/run.js';
import { makeReport } from '../../report/model.js';
import type { CommandResult, Io } from '../context.js';
import { loadArg } from '../load-args.js';
import { type ReportArgs, parseRuleFlags, withReportOptions } from '../options.js';
import { emitReport, sideInfo } from '../output.js';

export function diffCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'diff <old> <new>',
    describe: 'compare two sources (kernel tree, tracefs capture or archive, snapshot) field by field',
    builder: (y) =>
      withReportOptions(
        y.positional('old', { type: 'string', demandOption: true }).positional('new', { type: 'string', demandOption: true }),
      ),
    handler: async (argv) => {
      const a = argv as unknown as ReportArgs & { old: string; new: string };
      const config = parseRuleFlags(a.rule);
      const oldSide = await loadArg(a.old, a.kind, io);
      const newSide = await loadArg(a.new, a.kind, io);
      const findings = runDiff(compareSnapshots(oldSide.snapshot, newSide.snapshot), { config });
      const problems = [
        ...(oldSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'old' as const })),
        ...(newSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const })),
      ];
      result.code = emitReport(makeReport({ old: sideInfo(oldSide), new: sideInfo(newSide), findings, problems }), a, io);
    },
  };
}
