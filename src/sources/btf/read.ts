/**
 * A built kernel's BTF, from whatever it comes in: raw BTF (`/sys/kernel/btf/vmlinux`, optionally .xz/.gz/.zst),
 * an ELF with a `.BTF` section (`vmlinux`), a `vmlinuz` (bzImage; its payload decompressed), or the directory of an
 * unpacked kernel package (`boot/vmlinuz-*` and `lib/modules/<release>/**\/*.ko[.xz|.zst|.gz]`, each module's split
 * BTF read over the vmlinux base). Never executes anything. Reading a module that fails is a problem of the
 * snapshot (the others are read); the kernel's own BTF failing is an InputError.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { type Btf, isRawBtf, parseBtf } from '../../btf/btf.js';
import { bzImagePayload, isBzImage } from '../../btf/bzimage.js';
import { arm64ImageBtf, isArm64Image } from '../../btf/arm64-image.js';
import { isElf, parseElf } from '../../btf/elf.js';
import type { Problem } from '../../model/snapshot.js';
import { decompress, isCompressed } from './decompress.js';
import { moduleClassEvidence, vmlinuxSameClass } from './relocations.js';

export interface KernelBtf {
  btf: Btf;
  /** Tracepoints that share a class, from a vmlinux's __bpf_raw_tp_map (absent for raw BTF). */
  sameClass?: string[][];
  release?: string;
  arch?: string;
  /** What the BTF was found in, for messages: `vmlinuz payload`, `.BTF section`, `raw BTF`. */
  container: string;
}

const MACHINES: Record<number, string> = { 62: 'x86_64', 183: 'aarch64', 3: 'i386', 40: 'arm', 243: 'riscv', 21: 'ppc64', 22: 's390' };

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
}

/** The `.BTF` of an ELF, or an InputError saying it has none. */
function elfBtf(bytes: Uint8Array, file: string, base?: Btf): { btf: Btf; arch?: string; elf: ReturnType<typeof parseElf>; sameClass?: string[][] } {
  const elf = parseElf(bytes, file);
  const data = elf.sectionData('.BTF');
  if (!data) throw new InputError(file, `ELF has no .BTF section (${elf.sections.length} sections): a kernel built without CONFIG_DEBUG_INFO_BTF?`);
  const opts = base ? { file, base } : { file };
  const btf = parseBtf(data, opts);
  const arch = MACHINES[elf.machine];
  const out: { btf: Btf; arch?: string; elf: ReturnType<typeof parseElf>; sameClass?: string[][] } = { btf, elf };
  if (arch) out.arch = arch;
  if (!base) {
    const names = new Set<string>();
    const { first, end } = btf.ownIds();
    for (let id = first; id < end; id++) {
      if (btf.kindOf(id) !== 'typedef') continue;
      const name = btf.nameOf(id);
      if (name.startsWith('btf_trace_')) names.add(name.slice(10));
    }
    const groups = vmlinuxSameClass(elf, btf, names);
    if (groups.length > 0) out.sameClass = groups;
  }
  return out;
}

/** A kernel's own BTF from a file of any of the forms above (not a module: that needs its base). */
export async function readKernelFile(file: string, bytes: Uint8Array = readFile(file), depth = 0): Promise<KernelBtf> {
  if (isRawBtf(bytes)) return { btf: parseBtf(bytes, { file }), container: 'raw BTF' };
  if (isElf(bytes)) {
    const { btf, arch, sameClass } = elfBtf(bytes, file);
    const out: KernelBtf = { btf, container: '.BTF section' };
    if (arch) out.arch = arch;
    if (sameClass) out.sameClass = sameClass;
    return out;
  }
  if (isBzImage(bytes)) {
    const p = bzImagePayload(bytes, file);
    if (p.compression !== 'gzip' && p.compression !== 'xz' && p.compression !== 'zstd') {
      throw new InputError(file, `bzImage payload at offset ${p.offset} is ${p.compression === 'unknown' ? 'in no compression format tpdrift knows' : `${p.compression}-compressed, which tpdrift does not read (gzip, xz and zstd it does)`}`);
    }
    let payload = bytes.subarray(p.offset, p.offset + p.length);
    let sizeHint: number | undefined;
    if (p.compression !== 'gzip' && payload.length > 4) {
      // The build appends the uncompressed size (little endian) after xz and zstd streams.
      const tail = payload.subarray(payload.length - 4);
      sizeHint = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
      payload = payload.subarray(0, payload.length - 4);
    }
    const vmlinux = await decompress(payload, file, `bzImage payload at offset ${p.offset}`, sizeHint);
    if (!isElf(vmlinux)) throw new InputError(file, `bzImage payload at offset ${p.offset} does not decompress to an ELF vmlinux`);
    const { btf, arch, sameClass } = elfBtf(vmlinux, `${file} (payload vmlinux)`);
    const out: KernelBtf = { btf, container: 'vmlinuz payload' };
    if (arch) out.arch = arch;
    if (sameClass) out.sameClass = sameClass;
    const release = p.version?.split(' ')[0];
    if (release) out.release = release;
    return out;
  }
  if (isArm64Image(bytes)) {
    // A raw memory image: its BTF is the bytes of .BTF; no section or symbol tables tell classes apart.
    const at = arm64ImageBtf(bytes, file);
    const btf = parseBtf(bytes.subarray(at.offset, at.offset + at.length), { file: `${file} (BTF at offset ${at.offset})` });
    const out: KernelBtf = { btf, container: 'arm64 Image', arch: 'aarch64' };
    if (at.release) out.release = at.release;
    return out;
  }
  // arm64 vmlinuz may also be a gzip'd Image (Image.gz), as xz or zstd files are raw BTF or an ELF.
  if (depth === 0 && isCompressed(bytes)) return readKernelFile(file, await decompress(bytes, file, 'file'), 1);
  throw new InputError(file, 'not BTF: no 0xEB9F magic, no ELF, no bzImage or arm64 Image header');
}

export interface PackageLayout {
  vmlinuz: string;
  release: string;
  /** Module files, relative to the package directory, sorted. */
  modules: string[];
}

const MODULE_RE = /\.ko(\.xz|\.zst|\.gz)?$/;

/** Finds `boot/vmlinuz-<release>` and its `lib/modules/<release>/` (or `usr/lib/modules/`) in a package directory. */
export function packageLayout(dir: string): PackageLayout {
  const boot = path.join(dir, 'boot');
  let entries: string[];
  try {
    entries = fs.readdirSync(boot).sort();
  } catch {
    throw new InputError(dir, 'not an unpacked kernel package: no readable boot/ directory');
  }
  const images = entries.filter((f) => /^vmlinu[xz]-/.test(f));
  if (images.length === 0) throw new InputError(boot, 'no vmlinuz-<release> here');
  if (images.length > 1) throw new InputError(boot, `several kernels (${images.join(', ')}): give one vmlinuz`);
  const vmlinuz = path.join('boot', images[0]!);
  const release = images[0]!.replace(/^vmlinu[xz]-/, '');
  let modules: string[] = [];
  for (const root of ['lib/modules', 'usr/lib/modules']) {
    const mdir = path.join(dir, root, release);
    if (!fs.existsSync(mdir)) continue;
    modules = (fs.readdirSync(mdir, { recursive: true }) as string[])
      .filter((f) => MODULE_RE.test(f))
      .map((f) => path.join(root, release, f))
      .sort();
    break;
  }
  return { vmlinuz, release, modules };
}

export interface ModuleBtf {
  /** Relative to the package directory. */
  file: string;
  btf: Btf;
  classOf: Map<string, string>;
}

/**
 * Reads modules' split BTF over `base`, a few at a time (xz decompression runs on libuv's threads), calling
 * `each` in file order so that output does not depend on timing. A module that cannot be read is a problem.
 */
export async function readModules(
  dir: string,
  files: string[],
  base: Btf,
  each: (m: ModuleBtf) => void,
  problems: Problem[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const concurrency = 4;
  const load = async (rel: string): Promise<ModuleBtf | undefined> => {
    const full = path.join(dir, rel);
    try {
      let bytes: Uint8Array = readFile(full);
      if (!isElf(bytes)) {
        if (!isCompressed(bytes)) throw new InputError(full, 'not an ELF module');
        bytes = await decompress(bytes, full, 'module');
      }
      const elf = parseElf(bytes, full);
      const data = elf.sectionData('.BTF');
      if (!data) {
        problems.push({ file: rel, message: 'module has no .BTF section: its tracepoints are not read' });
        return undefined;
      }
      const btf = parseBtf(data, { file: full, base });
      return { file: rel, btf, classOf: moduleClassEvidence(elf, btf) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push({ file: rel, message: `module not read: ${e.message}` });
      return undefined;
    }
  };
  // A window of `concurrency` modules in flight, consumed in file order: memory holds at most that many.
  const pending = new Map<number, Promise<ModuleBtf | undefined>>();
  for (let i = 0; i < files.length; i++) {
    for (let j = i; j < Math.min(files.length, i + concurrency); j++) if (!pending.has(j)) pending.set(j, load(files[j]!));
    const m = await pending.get(i)!;
    pending.delete(i);
    onProgress?.(i + 1, files.length);
    if (m) each(m);
  }
}
