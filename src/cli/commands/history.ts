import type { TreeArch } from '../../sources/tree/arch.js';
import type { CommandModule } from 'yargs';
import type { SourceKind } from '../../model/snapshot.js';
import type { CommandResult, Io } from '../context.js';
import { KINDS, withTreeOptions } from '../options.js';
import type { HistoryFormat } from '../run/history.js';

const HISTORY_FORMATS: readonly HistoryFormat[] = ['text', 'json', 'html'];

export function historyCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'history <sources..>',
    describe: 'the same events across several kernels (oldest first): which kernel added, changed or removed each event and field',
    builder: (y) =>
      withTreeOptions(y)
        .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'two or more sources, oldest first' })
        .option('format', { alias: 'f', choices: HISTORY_FORMATS, default: 'text' as HistoryFormat, describe: 'output format' })
        .option('output', { alias: 'o', type: 'string', describe: 'write to FILE (atomically) instead of stdout' })
        .option('events', { type: 'string', array: true, describe: 'only events matching these patterns (sched:*, *:sched_switch)' })
        .option('kind', { choices: KINDS, describe: 'force the kind of every source argument' })
        .option('consumers', { type: 'string', array: true, describe: 'consumer programs or folders: say which of them each step breaks' })
        .option('config', { type: 'string', describe: 'configuration file (its "consumers" list)' })
        .check((argv) => {
          if ((argv.sources as string[]).length < 2) throw new Error('history needs at least two sources');
          return true;
        }),
    handler: async (argv) => {
      const { run } = await import('../run/history.js');
      result.code = await run(argv as unknown as { sources: string[]; format: HistoryFormat; output?: string; events?: string[]; kind?: SourceKind; consumers?: string[]; config?: string; arch?: TreeArch; kconfig?: string }, io);
    },
  };
}
