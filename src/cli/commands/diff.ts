import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';
import { type ReportArgs, withConsumersOption, withReportOptions } from '../options.js';

export function diffCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'diff <old> <new>',
    describe: 'compare two sources (kernel tree, tracefs capture or archive, snapshot) field by field',
    builder: (y) =>
      withConsumersOption(
        withReportOptions(
          y
            .positional('old', { type: 'string', demandOption: true })
            .positional('new', { type: 'string', demandOption: true })
            .option('btf-old', { type: 'string', describe: 'merge the BTF of the old kernel into the old side (a capture gains TP_PROTO and classes)' })
            .option('btf-new', { type: 'string', describe: 'merge the BTF of the new kernel into the new side' }),
        ),
      ),
    handler: async (argv) => {
      const { run } = await import('../run/diff.js');
      result.code = await run(argv as unknown as ReportArgs & { old: string; new: string; 'btf-old'?: string; 'btf-new'?: string }, io);
    },
  };
}
