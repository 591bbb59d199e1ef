import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';
import { type ReportArgs, withReportOptions } from '../options.js';

export function lintCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'lint <source>',
    describe: 'run the audit rules on every tracepoint of one source (tree, tracefs capture or snapshot)',
    builder: (y) =>
      withReportOptions(
        y
          .positional('source', { type: 'string', demandOption: true })
          .option('btf', { type: 'string', describe: 'merge the BTF of the same kernel into the source (a capture gains TP_PROTO and classes)' }),
      ),
    handler: async (argv) => {
      const { run } = await import('../run/lint.js');
      result.code = await run(argv as unknown as ReportArgs & { source: string; btf?: string }, io);
    },
  };
}
