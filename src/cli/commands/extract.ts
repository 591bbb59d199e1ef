import type { TreeArch } from '../../sources/tree/arch.js';
import type { CommandModule } from 'yargs';
import type { SourceKind } from '../../model/snapshot.js';
import type { CommandResult, Io } from '../context.js';
import { KINDS, withTreeOptions } from '../options.js';

export function extractCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'extract <source>',
    describe: 'write a snapshot (.json, or .json.gz by extension) of a source',
    builder: (y) =>
      withTreeOptions(y)
        .positional('source', { type: 'string', demandOption: true })
        .option('output', { alias: 'o', type: 'string', describe: 'snapshot file (.json or .json.gz); stdout when absent' })
        .option('kind', { choices: KINDS, describe: 'force the kind of the source' })
        .option('btf', { type: 'string', describe: "merge the BTF of the same kernel (raw, vmlinux, vmlinuz, package dir) into the source: a capture gains TP_PROTO and classes" }),
    handler: async (argv) => {
      const { run } = await import('../run/extract.js');
      result.code = await run(argv as unknown as { source: string; output?: string; kind?: SourceKind; btf?: string; arch?: TreeArch; kconfig?: string }, io);
    },
  };
}
