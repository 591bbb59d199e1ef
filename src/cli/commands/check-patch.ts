import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';
import { type ReportArgs, withConsumersOption, withReportOptions } from '../options.js';

export function checkPatchCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'check-patch <patch..>',
    describe: 'pre-merge check: apply patches (unified diff, git format-patch mails, - for stdin) in memory to --tree, compare before/after, audit what they add',
    builder: (y) =>
      withConsumersOption(withReportOptions(
        y
          .positional('patch', { type: 'string', array: true, demandOption: true, describe: 'patch files in order, or - for stdin' })
          .option('tree', { type: 'string', demandOption: true, describe: 'the kernel source tree the patches apply to' }),
      )),
    handler: async (argv) => {
      const { run } = await import('../run/check-patch.js');
      result.code = await run(argv as unknown as ReportArgs & { patch: string[]; tree: string }, io);
    },
  };
}
