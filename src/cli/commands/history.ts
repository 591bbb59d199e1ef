import type { CommandModule } from 'yargs';
import type { SourceKind } from '../../model/snapshot.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { CommandResult, Io } from '../context.js';
import { loadArg } from '../load-args.js';
import { KINDS } from '../options.js';
import { sideInfo } from '../output.js';

const HISTORY_FORMATS = ['text', 'json', 'html'] as const;

export function historyCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'history <sources..>',
    describe: 'the same events across several kernels (oldest first): which kernel added, changed or removed each event and field',
    builder: (y) =>
      y
        .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'two or more sources, oldest first' })
        .option('format', { alias: 'f', choices: HISTORY_FORMATS, default: 'text' as (typeof HISTORY_FORMATS)[number], describe: 'output format' })
        .option('output', { alias: 'o', type: 'string', describe: 'write to FILE (atomically) instead of stdout' })
        .option('events', { type: 'string', array: true, describe: 'only events matching these patterns (sched:*, *:sched_switch)' })
        .option('kind', { choices: KINDS, describe: 'force the kind of every source argument' })
        .check((argv) => {
          if ((argv.sources as string[]).length < 2) throw new Error('history needs at least two sources');
          return true;
        }),
    handler: async (argv) => {
      const a = argv as unknown as { sources: string[]; format: (typeof HISTORY_FORMATS)[number]; output?: string; events?: string[]; kind?: SourceKind };
      const sides = [];
      for (const s of a.sources) {
        const src = await loadArg(s, a.kind, io);
        sides.push({ info: sideInfo(src), snapshot: src.snapshot });
      }
      const { buildHistory, renderHistoryHtml, renderHistoryJson, renderHistoryText } = await import('../../report/history.js');
      const h = buildHistory(sides, a.events ? { events: a.events } : {});
      const text = a.format === 'json' ? renderHistoryJson(h) : a.format === 'html' ? renderHistoryHtml(h) : renderHistoryText(h);
      if (a.output !== undefined && a.output !== '-') writeFileAtomic(a.output, text);
      else io.stdout(text);
      result.code = 0;
    },
  };
}
