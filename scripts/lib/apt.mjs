// The part the fetch scripts (fetch-kernels, fetch-images, fetch-consumers) share: pinned Debian packages
// downloaded with `apt-get download` into <cache>/debs/ and unpacked once into a folder of the cache, which is
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}. Packages of another suite or architecture come through a
// sources list of their own under the cache, so the machine's apt configuration (sources, lists, dpkg's
// architectures) is never read for them nor changed. Needs apt-get (with `apt-get update` done for the
// machine's own lists) and dpkg-deb.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const cacheDir = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
export const debsDir = path.join(cacheDir, 'debs');
const MARKER = '.tpdrift-complete';

/**
 * A pinned package. `arch`: a foreign architecture, asked for as `pkg:arch=version` and matched by the .deb's
 * name; `from`: the Debian lists to download it from when they are not the machine's own.
 * @typedef {{ pkg: string, version: string, arch?: string, from?: AptLists }} DebSpec
 * @typedef {{ suite: string, architectures?: string[] }} AptLists
 */

/** Runs a command with its output on ours; throws if it fails. */
export const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });

/**
 * apt-get options that read only `lists`' package lists, kept in <cache>/apt-<suite>/ (or apt-<suite>-foreign/
 * with other architectures), made and updated once per process, on first use.
 */
const listOptions = new Map();
function aptOptions(lists) {
  const arches = lists.architectures ?? [];
  const dir = path.join(cacheDir, `apt-${lists.suite}${arches.length ? '-foreign' : ''}`);
  let opts = listOptions.get(dir);
  if (opts) return opts;
  const state = path.join(dir, 'lists');
  fs.mkdirSync(path.join(state, 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'parts'), { recursive: true });
  const sources = path.join(dir, 'sources.list');
  fs.writeFileSync(sources, `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${lists.suite} main\n`);
  opts = [
    '-o', `Dir::Etc::SourceList=${sources}`,
    '-o', `Dir::Etc::SourceParts=${path.join(dir, 'parts')}`,
    '-o', `Dir::State::Lists=${state}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
    ...arches.flatMap((a) => ['-o', `APT::Architectures::=${a}`]),
  ];
  run('apt-get', [...opts, 'update']);
  listOptions.set(dir, opts);
  return opts;
}

/** The cached .deb of `k` (a file name in debsDir), if there is one. */
function cachedDeb(k) {
  // apt-get download names files <pkg>_<version with ':' escaped>_<arch>.deb (and '+' kept as is)
  const enc = k.version.replace(/:/g, '%3a');
  return fs.readdirSync(debsDir).find((f) => f.startsWith(`${k.pkg}_${enc}_`) && f.endsWith(k.arch ? `_${k.arch}.deb` : '.deb'));
}

/** The path of `k`'s .deb in debsDir, downloaded first unless it is there already. */
export function fetchDeb(k) {
  fs.mkdirSync(debsDir, { recursive: true });
  let deb = cachedDeb(k);
  if (!deb) {
    console.log(`${k.pkg}=${k.version}: downloading`);
    const want = k.arch ? `${k.pkg}:${k.arch}=${k.version}` : `${k.pkg}=${k.version}`;
    run('apt-get', [...(k.from ? aptOptions(k.from) : []), 'download', want], { cwd: debsDir });
    deb = cachedDeb(k);
    if (!deb) throw new Error(`apt-get download ${k.pkg}=${k.version} left no .deb in ${debsDir}`);
  }
  return path.join(debsDir, deb);
}

/** The default unpack: the package's files (`dpkg-deb -x`) are what `dest` holds. */
function extractDeb(deb, work) {
  run('dpkg-deb', ['-x', deb, work]);
  return work;
}

/**
 * Makes `dest` hold `k` unpacked, once. `dest` is complete when its marker file names `pkg=version`; it is
 * written last, into the new folder before that is moved into place, so a half-unpacked or outdated `dest`
 * is removed and unpacked again. `unpack(deb, work)` fills `work`, a fresh folder beside `dest`, and returns
 * the folder (work or one inside it) that becomes `dest`; by default it is the package's files (dpkg-deb -x).
 * `label` names `dest` in what is printed.
 */
export function ensureUnpacked(k, { dest, label, unpack = extractDeb }) {
  const id = `${k.pkg}=${k.version}`;
  const marker = path.join(dest, MARKER);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === id) {
    console.log(`${label}: already there (${id})`);
    return;
  }
  const deb = fetchDeb(k);
  console.log(`${label}: unpacking ${path.basename(deb)}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(dest), `.${path.basename(dest)}.`));
  try {
    const done = unpack(deb, work);
    fs.writeFileSync(path.join(done, MARKER), `${id}\n`);
    fs.renameSync(done, dest);
    console.log(`${label}: done`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
