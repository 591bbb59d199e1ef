import type { CommandModule } from 'yargs';
import { runAudit } from '../../engine/run.js';
import { makeReport } from '../../report/model.js';
import type { CommandResult, Io } from '../context.js';
import { loadArg } from '../load-args.js';
import { type ReportArgs, parseRuleFlags, withReportOptions } from '../options.js';
import { emitReport, sideInfo } from '../output.js';

export function lintCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'lint <source>',
    describe: 'run the audit rules on every tracepoint of one source (tree, tracefs capture or snapshot)',
    builder: (y) => withReportOptions(y.positional('source', { type: 'string', demandOption: true })),
    handler: async (argv) => {
      const a = argv as unknown as ReportArgs & { source: string };
      const config = parseRuleFlags(a.rule);
      const src = await loadArg(a.source, a.kind, io);
      const events = src.snapshot.events;
      const findings = runAudit({ snapshot: src.snapshot, events, all: events, isChange: false }, { config });
      const problems = (src.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const }));
      result.code = emitReport(makeReport({ new: sideInfo(src), findings, problems }), a, io);
    },
  };
}
