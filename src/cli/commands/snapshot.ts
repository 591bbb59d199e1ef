import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';

export function snapshotCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'snapshot',
    describe: 'capture the running kernel from tracefs (mounting tracefs is up to you)',
    builder: (y) =>
      y
        .option('tracefs', { type: 'string', default: '/sys/kernel/tracing', describe: 'tracefs mount point' })
        .option('output', { alias: 'o', type: 'string', describe: 'snapshot file (.json or .json.gz); stdout when absent, as extract does' }),
    handler: async (argv) => {
      const { run } = await import('../run/snapshot.js');
      result.code = await run(argv as unknown as { tracefs: string; output?: string }, io);
    },
  };
}
