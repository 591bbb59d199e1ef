import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';
import { type ReportArgs, withReportOptions } from '../options.js';

export function consumersCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'consumers <paths..>',
    describe: 'the consumer inventory: which events, fields and arguments bpftrace scripts, bcc tools, libbpf-tools and manifests read, and how; with --against, which of those uses break on one kernel',
    builder: (y) =>
      withReportOptions(
        y
          .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'consumer programs, manifests or folders' })
          .option('against', { type: 'string', describe: 'a kernel (tree, tracefs capture or snapshot): report the uses that break on it (exit 1 when something breaks)' }),
      ),
    handler: async (argv) => {
      const { run } = await import('../run/consumers.js');
      result.code = await run(argv as unknown as ReportArgs & { paths: string[]; against?: string }, io);
    },
  };
}
