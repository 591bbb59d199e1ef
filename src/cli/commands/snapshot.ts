import os from 'node:os';
import type { CommandModule } from 'yargs';
import { InputError } from '../../errors.js';
import { loadTracefs } from '../../sources/tracefs/reader.js';
import type { CommandResult, Io } from '../context.js';
import { writeSnapshot } from '../snapshot-output.js';

export function snapshotCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'snapshot',
    describe: 'capture the running kernel from tracefs (mounting tracefs is up to you)',
    builder: (y) =>
      y
        .option('tracefs', { type: 'string', default: '/sys/kernel/tracing', describe: 'tracefs mount point' })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'snapshot file (.json or .json.gz)' }),
    handler: async (argv) => {
      const a = argv as unknown as { tracefs: string; output: string };
      let snap;
      try {
        snap = await loadTracefs(a.tracefs);
      } catch (e) {
        if (e instanceof InputError && /no such file|no events|permission denied/.test(e.message)) {
          throw new InputError(a.tracefs, `${e.message}: is tracefs mounted and readable? (as root: mount -t tracefs nodev ${a.tracefs})`);
        }
        throw e;
      }
      // A live capture knows which kernel it is; an archive only knows what its VERSION file says.
      snap.kernel.release ??= os.release();
      snap.kernel.arch ??= os.arch() === 'x64' ? 'x86_64' : os.arch();
      writeSnapshot(snap, a.output, io);
      result.code = 0;
    },
  };
}
