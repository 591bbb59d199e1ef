/**
 * Which word size a kernel was built for, as its formats show it: the size of `long` and pointer fields. Two
 * sides of different architectures differ in every such field by construction (a 32-bit ARM or i686 kernel
 * has 4-byte longs; tree predictions are for x86_64 unless `--arch` says otherwise), which a reader of the
 * findings must know.
 */
import type { Snapshot } from './snapshot.js';
import { eventsOneByOne } from './event-index.js';

const WORD_TYPES = /^(unsigned )?long( int)?$|^(signed )?long( int)?$|\*$/;

/**
 * How many long and pointer fields are enough to tell: a kernel's events agree on the word size, so the first
 * few hundred tell as well as all of them, and an indexed snapshot then decodes a few dozen events, not all.
 */
const ENOUGH_WORD_FIELDS = 256;

/** 4 or 8 when the scalar long/pointer fields agree on one size (by majority), else undefined. */
export function wordSize(snap: Snapshot): 4 | 8 | undefined {
  let four = 0;
  let eight = 0;
  for (const e of eventsOneByOne(snap)) {
    for (const f of e.fields) {
      if (f.array !== undefined || f.dynamic !== undefined || f.size === undefined || !WORD_TYPES.test(f.type.trim())) continue;
      if (f.size === 4) four++;
      else if (f.size === 8) eight++;
    }
    if (four + eight >= ENOUGH_WORD_FIELDS) break;
  }
  if (four + eight < 5) return undefined;
  return four > eight * 4 ? 4 : eight > four * 4 ? 8 : undefined;
}

function describe(snap: Snapshot): string {
  const w = wordSize(snap);
  const parts = [snap.kernel.arch, w ? `${w}-byte long` : undefined].filter(Boolean);
  return parts.join(', ') || 'unknown architecture';
}

/**
 * One name per architecture, whoever named it: the kernel's ARCH (a tree's `--arch`: arm64), `uname -m`
 * (aarch64, armv7l, i686) or the ELF machine of a BTF (aarch64, i386, arm).
 */
export function canonicalArch(name: string): string {
  const n = name.toLowerCase();
  if (n === 'amd64' || n === 'x86-64') return 'x86_64';
  if (n === 'aarch64') return 'arm64';
  if (/^i[3-6]86$/.test(n) || n === 'x86') return 'i386';
  if (/^arm(v\d+\w*|hf|el)?$/.test(n)) return 'arm';
  return n;
}

/** A warning when the two sides were built for different architectures; undefined when they agree or it cannot tell. */
export function architectureWarning(old: Snapshot, neu: Snapshot): string | undefined {
  const a = old.kernel.arch === undefined ? undefined : canonicalArch(old.kernel.arch);
  const b = neu.kernel.arch === undefined ? undefined : canonicalArch(neu.kernel.arch);
  // Both sides name their architecture: that decides, and the word sizes are read only to describe them.
  if (a !== undefined && b !== undefined && a === b) return undefined;
  const archDiffers = a !== undefined && b !== undefined && a !== b;
  const wa = wordSize(old);
  const wb = wordSize(neu);
  const wordDiffers = wa !== undefined && wb !== undefined && wa !== wb;
  if (!archDiffers && !wordDiffers) return undefined;
  return `the sides are built for different architectures (old: ${describe(old)}; new: ${describe(neu)}): sizes and offsets of long, pointer and aligned fields differ by construction, not by a kernel change`;
}
