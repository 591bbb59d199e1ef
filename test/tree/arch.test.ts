/**
 * `--arch` on a hand-written header whose fields' layout depends on the architecture (long, pointers, u64 inside
 * a struct and after an int, plain char, a struct of words), checked against the ABI rules: x86_64 and arm64
 * (LP64, natural alignment; arm64's char unsigned), i386 System V (4-byte long and pointers, 8-byte integers
 * 4-aligned) and arm EABI (4-byte long and pointers, 8-byte integers 8-aligned, char unsigned). The real
 * kernels of each architecture are in test/kernels/tree-arch.test.ts; the name helpers and the arm64 Image
 * reader's bad input are here too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { architectureWarning, canonicalArch } from '../../src/model/arch.js';
import { makeSnapshot } from '../../src/model/canonical.js';
import { arm64ImageBtf, isArm64Image } from '../../src/btf/arm64-image.js';
import { InputError } from '../../src/errors.js';
import { TREE_ARCHES } from '../../src/sources/tree/arch.js';
import { load } from '../../src/index.js';

const FIX = path.join(import.meta.dirname, '../fixtures/tree/arch');

const layout = async (arch?: (typeof TREE_ARCHES)[number]) => {
  const s = await loadTree(FIX, { workers: 0, parseCache: false, ...(arch ? { arch } : {}) });
  const e = s.events.find((x) => x.name === 'arch_layout')!;
  return { kernel: s.kernel, fields: e.fields.map((f) => `${f.name}@${f.offset}+${f.size}${f.signed === undefined ? '' : f.signed ? 's' : 'u'}`) };
};

describe('--arch: field layouts by the architecture\'s ABI', () => {
  it.each([
    ['x86_64', ['a@8+4s', 'b@16+8u', 'c@24+8u', 'p@32+8u', 'ch@40+1s', 's@48+16u', 'w@64+24u', 'last@88+8s']],
    ['arm64', ['a@8+4s', 'b@16+8u', 'c@24+8u', 'p@32+8u', 'ch@40+1u', 's@48+16u', 'w@64+24u', 'last@88+8s']],
    ['i386', ['a@8+4s', 'b@12+8u', 'c@20+4u', 'p@24+4u', 'ch@28+1s', 's@32+12u', 'w@44+12u', 'last@56+8s']],
    ['arm', ['a@8+4s', 'b@16+8u', 'c@24+4u', 'p@28+4u', 'ch@32+1u', 's@40+16u', 'w@56+12u', 'last@72+8s']],
  ] as const)('%s', async (arch, fields) => {
    const got = await layout(arch);
    expect(got.fields).toEqual(fields);
    expect(got.kernel.arch).toBe(arch);
  });

  it('no --arch is x86_64, byte for byte', async () => {
    expect(await layout()).toEqual(await layout('x86_64'));
  });

  it('the caches hold nothing architecture-specific: a run after another architecture\'s gives the same as a cold one', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-arch-cache-'));
    try {
      const cold = await loadTree(FIX, { workers: 0, parseCache: false, arch: 'i386' });
      await loadTree(FIX, { workers: 0, parseCache: cache }); // x86_64 fills the caches
      const warm = await loadTree(FIX, { workers: 0, parseCache: cache, arch: 'i386' });
      expect(warm).toEqual(cold);
      expect(fs.readdirSync(cache).length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('the library', () => {
  it('load(tree, { arch, kconfig }) predicts for them; other kinds ignore them', async () => {
    const side = await load(FIX, { arch: 'arm' });
    expect(side.snapshot.kernel.arch).toBe('arm');
    const kc = path.join(import.meta.dirname, '../fixtures/tree/kconfig');
    const one = await load(kc, { arch: 'arm64', kconfig: path.join(kc, 'config-none') });
    expect(one.snapshot.kernel).toMatchObject({ arch: 'arm64', kconfig: 'config-none' });
    const snap = await load(path.join(import.meta.dirname, '../../snapshots/linux-6.18.44-x86_64.tracefs.json'), { arch: 'arm' });
    expect(snap.snapshot.kernel.arch).toBe('x86_64');
  });
});

describe('architecture names', () => {
  it('one name per architecture, whoever named it (ARCH, uname -m, ELF machine)', () => {
    expect(['x86_64', 'amd64'].map(canonicalArch)).toEqual(['x86_64', 'x86_64']);
    expect(['arm64', 'aarch64'].map(canonicalArch)).toEqual(['arm64', 'arm64']);
    expect(['i386', 'i686', 'x86'].map(canonicalArch)).toEqual(['i386', 'i386', 'i386']);
    expect(['arm', 'armv7l', 'armhf', 'armv6l'].map(canonicalArch)).toEqual(['arm', 'arm', 'arm', 'arm']);
    expect(canonicalArch('riscv')).toBe('riscv');
  });

  it('the warning compares those names', () => {
    const side = (arch: string) => makeSnapshot({ kernel: { source: arch, kind: 'tree', arch }, header: { common: [] }, events: [] });
    expect(architectureWarning(side('arm64'), side('aarch64'))).toBeUndefined();
    expect(architectureWarning(side('arm'), side('armv7l'))).toBeUndefined();
    expect(architectureWarning(side('i386'), side('x86_64'))).toMatch(/^the sides are built for different architectures \(old: i386; new: x86_64\)/);
  });
});

describe('the arm64 Image reader', () => {
  const header = (): Buffer => {
    const b = Buffer.alloc(4096);
    b.writeUInt32LE(0x644d5241, 56);
    return b;
  };
  const btfAt = (b: Buffer, at: number, typeLen: number, strLen: number): void => {
    b.writeUInt16LE(0xeb9f, at);
    b[at + 2] = 1;
    b.writeUInt32LE(24, at + 4);
    b.writeUInt32LE(0, at + 8);
    b.writeUInt32LE(typeLen, at + 12);
    b.writeUInt32LE(typeLen, at + 16);
    b.writeUInt32LE(strLen, at + 20);
  };

  it('finds the BTF header whose sections fit, and the release of the banner', () => {
    const b = header();
    btfAt(b, 1024, 16, 8);
    b.write('Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org)', 2048, 'latin1');
    expect(isArm64Image(b)).toBe(true);
    expect(arm64ImageBtf(b, 'Image')).toEqual({ offset: 1024, length: 48, release: '6.1.0-50-arm64' });
  });

  it('an Image without BTF, or one whose BTF runs past the end, is one clear error', () => {
    expect(() => arm64ImageBtf(header(), 'Image')).toThrow(new InputError('Image', 'arm64 Image holds no BTF (no 0xEB9F header with its sections inside the file): a kernel built without CONFIG_DEBUG_INFO_BTF?'));
    const cut = header();
    btfAt(cut, 4000, 1000, 8);
    expect(() => arm64ImageBtf(cut, 'Image')).toThrow(InputError);
    expect(() => arm64ImageBtf(Buffer.alloc(100), 'x')).toThrow(new InputError('x', 'not an arm64 Image (no "ARM\\x64" magic at offset 56)'));
  });
});
