#!/usr/bin/env node
// Fetches the Debian kernel image packages the kernel suite reads (test/kernels/btf-images, tree-arch and tree-kconfig) into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, images/<pkg>_<version>/ the unpacked
// package (boot/vmlinuz-*, boot/config-*, lib/modules/<release>/...). Idempotent: an image is complete when its
// marker file exists (written last), so a half-unpacked one is removed and unpacked again (scripts/lib/apt.mjs:
// the download, that check and the unpack). Needs apt-get (with `apt-get update` done) and dpkg-deb. Nothing
// here is committed; tpdrift itself never runs any of these tools.
import path from 'node:path';
import { cacheDir, ensureUnpacked } from './lib/apt.mjs';

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

export { cacheDir };
export const imageDir = (img) => path.join(cacheDir, 'images', `${img.pkg}_${img.version}`);

/**
 * Packages of another architecture come from bookworm's lists for amd64 and FOREIGN, kept under the cache
 * (apt-bookworm-foreign/), so that neither the machine's sources and lists nor dpkg's architecture list
 * change (`dpkg --add-architecture` is not needed to download).
 */
const FOREIGN_LISTS = { suite: 'bookworm', architectures: FOREIGN };

function main() {
  for (const k of IMAGES) {
    const spec = { pkg: k.pkg, version: k.version, ...(k.arch ? { arch: k.arch, from: FOREIGN_LISTS } : {}) };
    ensureUnpacked(spec, { dest: imageDir(k), label: path.basename(imageDir(k)) });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
