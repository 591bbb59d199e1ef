import { UsageError } from '../errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { encodeSnapshot } from '../sources/snapshot-file.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { Io } from './context.js';

/** Writes a snapshot to FILE (.json or .json.gz, atomically) or to stdout. */
export function writeSnapshot(snap: Snapshot, output: string | undefined, io: Io): void {
  if (output === undefined || output === '-') {
    io.stdout(encodeSnapshot(snap, 'stdout.json').toString('utf8'));
    return;
  }
  if (!/\.json(\.gz)?$/i.test(output)) throw new UsageError(`-o ${output}: a snapshot file ends in .json or .json.gz`);
  writeFileAtomic(output, encodeSnapshot(snap, output));
}
