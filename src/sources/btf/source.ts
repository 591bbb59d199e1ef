/**
 * BTF as a source kind: raw BTF (magic 0xEB9F, also .xz/.gz/.zst-compressed), an ELF with .BTF (vmlinux), a
 * vmlinuz (bzImage, or an arm64 Image), or an unpacked kernel package directory (boot/vmlinuz-* with lib/modules/<release>/).
 */
import path from 'node:path';
import { isRawBtf } from '../../btf/btf.js';
import { isBzImage } from '../../btf/bzimage.js';
import { isArm64Image } from '../../btf/arm64-image.js';
import { isElf } from '../../btf/elf.js';
import type { SourceReader } from '../source.js';
import { isCompressed } from './decompress.js';

const TAR_NAME = /\.(tar(\.[a-z0-9]+)?|tgz|txz)$/i;

export const btfSource: SourceReader = {
  kind: 'btf',
  looksLike: { file: 'BTF (raw, ELF with .BTF, vmlinuz, arm64 Image)', dir: 'unpacked kernel package (no boot/ and lib/modules/)' },
  detect(p) {
    if (p.stat.isDirectory()) return p.isDir('boot') && (p.isDir('lib/modules') || p.isDir('usr/lib/modules'));
    const head = p.head();
    if (isRawBtf(head) || isElf(head) || isBzImage(head) || isArm64Image(head)) return true;
    // A compressed raw BTF or vmlinux (`btf-vmlinux.xz`); compressed tar archives are captures, not BTF.
    return isCompressed(head) !== undefined && !TAR_NAME.test(path.basename(p.arg));
  },
  async load(arg, opts) {
    const { loadBtf } = await import('./load.js');
    return loadBtf(arg, opts);
  },
};
