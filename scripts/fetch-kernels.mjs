#!/usr/bin/env node
// Fetches the Debian kernel source trees the kernel test suite reads (test/kernels/), into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, trees/linux-source-<v>/ the
// unpacked trees. Idempotent: a tree is complete when its marker file exists (written last), so a
// half-unpacked tree is removed and unpacked again. Needs apt-get (with `apt-get update` done),
// dpkg-deb and tar with xz support. `--bench` also fetches the trees only the benchmark reads. A kernel of
// another Debian suite (`suite: 'sid'`) is downloaded through a sources list of its own under the cache
// (apt-get -o Dir::Etc::SourceList=...), so the machine's apt configuration is never changed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const KERNELS = [
  { pkg: 'linux-source-6.12', version: '6.12.117-1~deb12u1', tree: 'linux-source-6.12' },
  { pkg: 'linux-source-6.1', version: '6.1.176-1', tree: 'linux-source-6.1' },
  { pkg: 'linux-source-7.2', version: '7.2.13-1', tree: 'linux-source-7.2', suite: 'sid' },
];
/** The benchmark's nightly case: the point release before 6.12.117, extracted with the caches 6.12.117 left. */
export const BENCH_KERNELS = [{ pkg: 'linux-source-6.12', version: '6.12.115-2~deb12u1', tree: 'linux-source-6.12.115' }];
const MARKER = '.tpdrift-complete';

const cache = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
const debs = path.join(cache, 'debs');
const trees = path.join(cache, 'trees');
fs.mkdirSync(debs, { recursive: true });
fs.mkdirSync(trees, { recursive: true });

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });

/**
 * apt-get options that read only `suite`'s package lists, kept in <cache>/apt-<suite>/ (made, and updated
 * once, on first use): the system's sources and lists are neither read nor written.
 */
const suiteOptions = new Map();
function aptOptionsFor(suite) {
  if (!suite) return [];
  let opts = suiteOptions.get(suite);
  if (opts) return opts;
  const dir = path.join(cache, `apt-${suite}`);
  const lists = path.join(dir, 'lists');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'parts'), { recursive: true });
  const sources = path.join(dir, 'sources.list');
  fs.writeFileSync(sources, `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${suite} main\n`);
  opts = [
    '-o', `Dir::Etc::SourceList=${sources}`,
    '-o', `Dir::Etc::SourceParts=${path.join(dir, 'parts')}`,
    '-o', `Dir::State::Lists=${lists}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
  ];
  run('apt-get', [...opts, 'update']);
  suiteOptions.set(suite, opts);
  return opts;
}

function debFile(k) {
  // apt-get download names files <pkg>_<version with ':' escaped>_<arch>.deb
  const enc = k.version.replace(/:/g, '%3a');
  return fs.readdirSync(debs).find((f) => f.startsWith(`${k.pkg}_${enc}_`) && f.endsWith('.deb'));
}

for (const k of process.argv.includes('--bench') ? [...KERNELS, ...BENCH_KERNELS] : KERNELS) {
  const dest = path.join(trees, k.tree);
  const marker = path.join(dest, MARKER);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === `${k.pkg}=${k.version}`) {
    console.log(`${k.tree}: already there (${k.pkg}=${k.version})`);
    continue;
  }
  let deb = debFile(k);
  if (!deb) {
    console.log(`${k.pkg}=${k.version}: downloading`);
    run('apt-get', [...aptOptionsFor(k.suite), 'download', `${k.pkg}=${k.version}`], { cwd: debs });
    deb = debFile(k);
    if (!deb) throw new Error(`apt-get download ${k.pkg}=${k.version} left no .deb in ${debs}`);
  }
  console.log(`${k.tree}: unpacking ${deb}`);
  fs.rmSync(dest, { recursive: true, force: true });
  const work = fs.mkdtempSync(path.join(trees, `.${k.tree}.`));
  try {
    // The .deb holds usr/src/linux-source-<v>.tar.xz; take it out, then unpack the tree from it.
    run('bash', ['-o', 'pipefail', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xf - -C "$2" --wildcards "*.tar.xz"', 'fetch', path.join(debs, deb), work]);
    const src = path.join(work, 'usr', 'src');
    const xz = fs.readdirSync(src).find((f) => /^linux-source-.*\.tar\.xz$/.test(f));
    if (!xz) throw new Error(`${deb}: no linux-source-*.tar.xz inside`);
    run('tar', ['-xJf', path.join(src, xz), '-C', work]);
    const top = fs.readdirSync(work).find((f) => f.startsWith('linux-source-') && fs.statSync(path.join(work, f)).isDirectory());
    if (!top) throw new Error(`${xz}: no linux-source-* directory inside`);
    fs.renameSync(path.join(work, top), dest);
    fs.writeFileSync(marker, `${k.pkg}=${k.version}\n`);
    console.log(`${k.tree}: done`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
