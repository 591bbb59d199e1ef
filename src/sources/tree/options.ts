/** What a tree read can be asked to do: shared by the reader and the thread that runs it in isolation. */
import type { LoadPhase } from '../source.js';
import type { TreeArch } from './arch.js';

export interface LoadTreeOptions {
  /** Called as files are read: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Called as the read moves from one step to the next (listing, reading files, building units, done). */
  onPhase?: (p: LoadPhase) => void;
  /**
   * Threads for the file pass: the calling thread and `workers - 1` worker threads (default: 2 when the
   * compiled module can start workers); 0 reads every file in the calling thread alone.
   */
  workers?: number;
  /** `kernel.source` in the snapshot (default: the root directory's name, so that the snapshot does not depend on where the tree lives). */
  label?: string;
  /** Files as a patch leaves them (tree-relative path → content, null when deleted): read instead of the disk. */
  overlay?: ReadonlyMap<string, string | null>;
  /** Directory of parsed headers kept between runs (./parse-cache.ts); `false` turns it off. Default: defaultParseCacheDir(). */
  parseCache?: string | false;
  /** The architecture whose formats are predicted (./arch.ts); default x86_64. */
  arch?: TreeArch;
  /** A kernel `.config` (path) whose settings decide CONFIG_ conditions (./kconfig.ts). */
  kconfig?: string;
}
