#!/usr/bin/env node
// Fetches the Debian kernel image packages the kernel suite reads (test/kernels/btf-images, tree-arch and tree-kconfig) into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, images/<pkg>_<version>/ the unpacked
// package (boot/vmlinuz-*, boot/config-*, lib/modules/<release>/...). Idempotent: an image is complete when its
// marker file exists (written last), so a half-unpacked one is removed and unpacked again. Needs apt-get (with
// `apt-get update` done) and dpkg-deb. Nothing here is committed; tpdrift itself never runs any of these tools.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const IMAGES = [
  { pkg: 'linux-image-6.1.0-50-amd64-unsigned', version: '6.1.176-1', release: '6.1.0-50-amd64' },
  { pkg: 'linux-image-6.1.0-50-rt-amd64-unsigned', version: '6.1.176-1', release: '6.1.0-50-rt-amd64' },
  { pkg: 'linux-image-6.12.117+deb12-amd64-unsigned', version: '6.12.117-1~deb12u1', release: '6.12.117+deb12-amd64' },
  // The same 6.1.176 kernel built for arm64 (test/kernels/tree-arch.test.ts: `--arch arm64`'s oracle). Debian's
  // i386 (686, 686-pae) and armhf (armmp) builds have no BTF (# CONFIG_DEBUG_INFO_BTF is not set), so 32-bit
  // predictions are checked against the public captures instead.
  { pkg: 'linux-image-6.1.0-50-arm64-unsigned', version: '6.1.176-1', release: '6.1.0-50-arm64', arch: 'arm64' },
];
const FOREIGN = [...new Set(IMAGES.flatMap((k) => (k.arch ? [k.arch] : [])))];
const MARKER = '.tpdrift-complete';

export const cacheDir = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
export const imageDir = (img) => path.join(cacheDir, 'images', `${img.pkg}_${img.version}`);

/**
 * apt-get options for packages of another architecture: bookworm's lists for amd64 and FOREIGN kept in
 * <cache>/apt-bookworm-foreign/ (updated once, on first use), so that neither the machine's sources and
 * lists nor dpkg's architecture list change (`dpkg --add-architecture` is not needed to download).
 */
let foreignOptions;
function aptForeign(run) {
  if (foreignOptions) return foreignOptions;
  const dir = path.join(cacheDir, 'apt-bookworm-foreign');
  const lists = path.join(dir, 'lists');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'parts'), { recursive: true });
  const sources = path.join(dir, 'sources.list');
  fs.writeFileSync(sources, 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n');
  foreignOptions = [
    '-o', `Dir::Etc::SourceList=${sources}`,
    '-o', `Dir::Etc::SourceParts=${path.join(dir, 'parts')}`,
    '-o', `Dir::State::Lists=${lists}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
    ...FOREIGN.flatMap((a) => ['-o', `APT::Architectures::=${a}`]),
  ];
  run('apt-get', [...foreignOptions, 'update']);
  return foreignOptions;
}

function main() {
  const debs = path.join(cacheDir, 'debs');
  const images = path.join(cacheDir, 'images');
  fs.mkdirSync(debs, { recursive: true });
  fs.mkdirSync(images, { recursive: true });
  const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  const debFile = (k) => {
    // apt-get download names files <pkg>_<version with ':' escaped>_<arch>.deb (and '+' kept as is)
    const enc = k.version.replace(/:/g, '%3a');
    return fs.readdirSync(debs).find((f) => f.startsWith(`${k.pkg}_${enc}_`) && f.endsWith(`_${k.arch ?? 'amd64'}.deb`));
  };
  for (const k of IMAGES) {
    const dest = imageDir(k);
    const marker = path.join(dest, MARKER);
    if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === `${k.pkg}=${k.version}`) {
      console.log(`${path.basename(dest)}: already there`);
      continue;
    }
    let deb = debFile(k);
    if (!deb) {
      console.log(`${k.pkg}=${k.version}: downloading`);
      if (k.arch) run('apt-get', [...aptForeign(run), 'download', `${k.pkg}:${k.arch}=${k.version}`], { cwd: debs });
      else run('apt-get', ['download', `${k.pkg}=${k.version}`], { cwd: debs });
      deb = debFile(k);
      if (!deb) throw new Error(`apt-get download ${k.pkg}=${k.version} left no .deb in ${debs}`);
    }
    console.log(`${path.basename(dest)}: unpacking ${deb}`);
    fs.rmSync(dest, { recursive: true, force: true });
    const work = fs.mkdtempSync(path.join(images, `.${k.pkg}.`));
    try {
      run('dpkg-deb', ['-x', path.join(debs, deb), work]);
      fs.writeFileSync(path.join(work, MARKER), `${k.pkg}=${k.version}\n`);
      fs.renameSync(work, dest);
    } catch (e) {
      fs.rmSync(work, { recursive: true, force: true });
      throw e;
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
