/** `tpdrift snapshot`: the running kernel's tracefs to a snapshot file. */
import os from 'node:os';
import { InputError } from '../../errors.js';
import { loadTracefs } from '../../sources/tracefs/reader.js';
import type { Io } from '../context.js';
import { writeSnapshot } from '../snapshot-output.js';

export async function run(a: { tracefs: string; output?: string }, io: Io): Promise<number> {
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
  if (a.output !== undefined && a.output !== '-') {
    const systems = new Set(snap.events.map((e) => e.system)).size;
    io.stderr(`tpdrift: wrote ${a.output}: ${snap.events.length} events in ${systems} systems (${snap.kernel.release} ${snap.kernel.arch})\n`);
  }
  return 0;
}
