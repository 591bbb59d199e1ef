#!/usr/bin/env node
// Fetches the Debian kernel image packages the BTF kernel suite reads (test/kernels/btf*.test.ts) into
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
];
const MARKER = '.tpdrift-complete';

export const cacheDir = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
export const imageDir = (img) => path.join(cacheDir, 'images', `${img.pkg}_${img.version}`);

function main() {
  const debs = path.join(cacheDir, 'debs');
  const images = path.join(cacheDir, 'images');
  fs.mkdirSync(debs, { recursive: true });
  fs.mkdirSync(images, { recursive: true });
  const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  const debFile = (k) => {
    // apt-get download names files <pkg>_<version with ':' escaped>_<arch>.deb (and '+' kept as is)
    const enc = k.version.replace(/:/g, '%3a');
    return fs.readdirSync(debs).find((f) => f.startsWith(`${k.pkg}_${enc}_`) && f.endsWith('.deb'));
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
      run('apt-get', ['download', `${k.pkg}=${k.version}`], { cwd: debs });
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
