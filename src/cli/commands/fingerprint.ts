import type { TreeArch } from '../../sources/tree/arch.js';
import type { CommandModule } from 'yargs';
import type { SourceKind } from '../../model/snapshot.js';
import type { CommandResult, Io } from '../context.js';
import { KINDS, withTreeOptions } from '../options.js';

export interface FingerprintArgs {
  source: string;
  events: string[];
  format: 'text' | 'json';
  check?: string;
  kind?: SourceKind;
  arch?: TreeArch;
  kconfig?: string;
}

export function fingerprintCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'fingerprint <source> [events..]',
    describe: "print each event's ABI fingerprint (layout, prototype, print format, condition), or check a source against recorded ones",
    builder: (y) =>
      withTreeOptions(y)
        .positional('source', { type: 'string', demandOption: true })
        .positional('events', { type: 'string', array: true, default: [] as string[], describe: 'events to print (system:name, * matches any text); all when none' })
        .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format (json: a file --check reads)' })
        .option('check', { type: 'string', describe: 'a fingerprint file (from --format json): exit 1 when a recorded event is missing or one of its facets changed' })
        .option('kind', { choices: KINDS, describe: 'force the kind of the source' }),
    handler: async (argv) => {
      const { run } = await import('../run/fingerprint.js');
      result.code = await run(argv as unknown as FingerprintArgs, io);
    },
  };
}
