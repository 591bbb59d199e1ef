import type { CommandModule } from 'yargs';
import type { SourceKind } from '../../model/snapshot.js';
import type { CommandResult, Io } from '../context.js';
import { loadArg } from '../load-args.js';
import { KINDS } from '../options.js';
import { writeSnapshot } from '../snapshot-output.js';

export function extractCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'extract <source>',
    describe: 'write a snapshot (.json, or .json.gz by extension) of a source',
    builder: (y) =>
      y
        .positional('source', { type: 'string', demandOption: true })
        .option('output', { alias: 'o', type: 'string', describe: 'snapshot file (.json or .json.gz); stdout when absent' })
        .option('kind', { choices: KINDS, describe: 'force the kind of the source' }),
    handler: async (argv) => {
      const a = argv as unknown as { source: string; output?: string; kind?: SourceKind };
      const src = await loadArg(a.source, a.kind, io);
      writeSnapshot(src.snapshot, a.output, io);
      const problems = src.snapshot.problems ?? [];
      if (problems.length > 0) {
        // Reported, not fatal: a whole tree carries on past what it cannot read.
        io.stderr(`tpdrift: ${src.label}: ${problems.length} definition(s) could not be read (listed in the snapshot's "problems"):\n`);
        for (const p of problems.slice(0, 20)) io.stderr(`  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
        if (problems.length > 20) io.stderr(`  … ${problems.length - 20} more\n`);
      }
      result.code = 0;
    },
  };
}
