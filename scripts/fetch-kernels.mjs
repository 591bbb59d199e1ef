#!/usr/bin/env node
// Fetches the Debian kernel source trees the kernel test suite reads (test/kernels/), into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, trees/linux-source-<v>/ the
// unpacked trees. Idempotent: a tree is complete when its marker file exists (written last), so a
// half-unpacked tree is removed and unpacked again (scripts/lib/apt.mjs: the download and that check). Needs
// apt-get (with `apt-get update` done), dpkg-deb and tar with xz support. `--bench` also fetches the trees
// only the benchmark reads. A kernel of another Debian suite (`suite: 'sid'`) is downloaded through a sources
// list of its own under the cache (apt-get -o Dir::Etc::SourceList=...), so the machine's apt configuration
// is never changed.
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, ensureUnpacked, run } from './lib/apt.mjs';

export const KERNELS = [
  { pkg: 'linux-source-6.12', version: '6.12.117-1~deb12u1', tree: 'linux-source-6.12' },
  { pkg: 'linux-source-6.1', version: '6.1.176-1', tree: 'linux-source-6.1' },
  { pkg: 'linux-source-7.2', version: '7.2.13-1', tree: 'linux-source-7.2', suite: 'sid' },
];
/** The benchmark's nightly case: the point release before 6.12.117, extracted with the caches 6.12.117 left. */
export const BENCH_KERNELS = [{ pkg: 'linux-source-6.12', version: '6.12.115-2~deb12u1', tree: 'linux-source-6.12.115' }];
const trees = path.join(cacheDir, 'trees');

for (const k of process.argv.includes('--bench') ? [...KERNELS, ...BENCH_KERNELS] : KERNELS) {
  const spec = { pkg: k.pkg, version: k.version, ...(k.suite ? { from: { suite: k.suite } } : {}) };
  ensureUnpacked(spec, {
    dest: path.join(trees, k.tree),
    label: k.tree,
    unpack(deb, work) {
      // The .deb holds usr/src/linux-source-<v>.tar.xz; take it out, then unpack the tree from it.
      run('bash', ['-o', 'pipefail', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xf - -C "$2" --wildcards "*.tar.xz"', 'fetch', deb, work]);
      const src = path.join(work, 'usr', 'src');
      const xz = fs.readdirSync(src).find((f) => /^linux-source-.*\.tar\.xz$/.test(f));
      if (!xz) throw new Error(`${path.basename(deb)}: no linux-source-*.tar.xz inside`);
      run('tar', ['-xJf', path.join(src, xz), '-C', work]);
      const top = fs.readdirSync(work).find((f) => f.startsWith('linux-source-') && fs.statSync(path.join(work, f)).isDirectory());
      if (!top) throw new Error(`${xz}: no linux-source-* directory inside`);
      return path.join(work, top);
    },
  });
}
