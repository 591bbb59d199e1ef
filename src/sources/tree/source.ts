/** A kernel source tree as a source kind. */
import type { SourceReader } from '../source.js';

export const treeSource: SourceReader = {
  kind: 'tree',
  looksLike: { dir: 'kernel tree (no include/trace)' },
  detect: (p) => p.stat.isDirectory() && (p.isDir('include/trace') || p.isDir('kernel')),
  async load(arg, opts) {
    // Loaded on demand: tree-sitter is the heaviest module and most runs compare snapshots.
    const { loadTree } = await import('./tree.js');
    return loadTree(arg, {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
      ...(opts.arch ? { arch: opts.arch } : {}),
      ...(opts.kconfig !== undefined ? { kconfig: opts.kconfig } : {}),
    });
  },
};
