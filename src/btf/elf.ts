/**
 * A small, pure ELF64 reader: just enough to find sections (`.BTF`, `.BTF.ext`, relocations, ...) and symbols in
 * a `vmlinux`, a kernel module or a BPF object. It reads bytes already in memory and never touches the file system.
 *
 * API (kept stable; other readers build on it: add, don't rename):
 * - `isElf(bytes)`: the ELF magic is there.
 * - `parseElf(bytes, file?)` → `ElfFile`; throws an `InputError` naming `file` and the offset of what is wrong
 *   (not ELF, ELF32, truncated header, section table or names past the end of the file).
 * - `ElfFile`: `endian` ('little' | 'big'), `machine` (e_machine, 247 = BPF, 62 = x86-64), `type` (e_type),
 *   `sections` (index order, index 0 the null section), `section(name)` (first section of that name),
 *   `sectionData(sectionOrName)` (its bytes, a view into the input; empty for SHT_NOBITS; undefined when absent),
 *   `symbols()` (the `.symtab` entries, lazily, index order) and `view(section)` (a DataView over its bytes).
 * All offsets and sizes are numbers (files beyond 2^53 bytes cannot be in memory anyway); addresses and symbol
 * values are bigints too (`addrBig`, `valueBig`), since a kernel's are above 2^53.
 */
import { InputError } from '../errors.js';

export type Endian = 'little' | 'big';

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;

export interface ElfSection {
  /** Position in the section header table. */
  index: number;
  name: string;
  /** sh_type (SHT_*). */
  type: number;
  flags: number;
  /** sh_addr as a number: exact below 2^53 (BPF objects, modules); kernel addresses need `addrBig`. */
  addr: number;
  addrBig: bigint;
  /** sh_offset: where its bytes are in the file. */
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  index: number;
  name: string;
  /** st_value as a number: exact below 2^53; a kernel symbol's address needs `valueBig`. */
  value: number;
  valueBig: bigint;
  size: number;
  /** STT_* (low 4 bits of st_info). */
  type: number;
  /** STB_* (high 4 bits of st_info). */
  bind: number;
  other: number;
  /** st_shndx: the section the symbol is defined in (0 undefined, 0xfff1 absolute, ...). */
  shndx: number;
}

export interface ElfFile {
  readonly file: string;
  readonly endian: Endian;
  readonly machine: number;
  readonly type: number;
  readonly sections: readonly ElfSection[];
  section(name: string): ElfSection | undefined;
  sectionData(s: ElfSection | string): Uint8Array | undefined;
  view(s: ElfSection): DataView;
  symbols(): readonly ElfSymbol[];
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const ELFCLASS64 = 2;
const EHDR64_SIZE = 64;
const SHDR64_SIZE = 64;
const SYM64_SIZE = 24;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/** A u64 as a number, or an InputError when it cannot be an offset or size in memory. */
function u64(dv: DataView, at: number, le: boolean, file: string, what: string): number {
  const v = dv.getBigUint64(at, le);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError(file, `ELF ${what} at offset ${at} is too large (${v})`);
  return Number(v);
}

/** A NUL-terminated string at `off` in a string table. */
function cString(bytes: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && bytes[i] !== 0) i++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('latin1');
}

export function parseElf(bytes: Uint8Array, file = '<elf>'): ElfFile {
  if (!isElf(bytes)) throw new InputError(file, 'not an ELF file (no \\x7fELF magic at offset 0)');
  if (bytes.length < EHDR64_SIZE) throw new InputError(file, `truncated ELF header (${bytes.length} of ${EHDR64_SIZE} bytes)`);
  if (bytes[4] !== ELFCLASS64) throw new InputError(file, `ELF class ${bytes[4]} at offset 4: only ELF64 is read`);
  const data = bytes[5];
  if (data !== 1 && data !== 2) throw new InputError(file, `ELF data encoding ${data} at offset 5: neither little (1) nor big (2) endian`);
  const le = data === 1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, le);
  const machine = dv.getUint16(18, le);
  const shoff = u64(dv, 40, le, file, 'e_shoff');
  const shentsize = dv.getUint16(58, le);
  let shnum = dv.getUint16(60, le);
  let shstrndx = dv.getUint16(62, le);
  if (shoff === 0) throw new InputError(file, 'ELF has no section header table (e_shoff is 0)');
  if (shentsize !== SHDR64_SIZE) throw new InputError(file, `ELF e_shentsize ${shentsize} at offset 58: expected ${SHDR64_SIZE}`);
  const readShdr = (i: number) => {
    const at = shoff + i * SHDR64_SIZE;
    if (at + SHDR64_SIZE > bytes.length) {
      throw new InputError(file, `ELF section header ${i} at offset ${at} is past the end of the file (${bytes.length} bytes)`);
    }
    return {
      nameOff: dv.getUint32(at, le),
      type: dv.getUint32(at + 4, le),
      flags: u64(dv, at + 8, le, file, 'sh_flags'),
      addrBig: dv.getBigUint64(at + 16, le),
      offset: u64(dv, at + 24, le, file, 'sh_offset'),
      size: u64(dv, at + 32, le, file, 'sh_size'),
      link: dv.getUint32(at + 40, le),
      info: dv.getUint32(at + 44, le),
      addralign: u64(dv, at + 48, le, file, 'sh_addralign'),
      entsize: u64(dv, at + 56, le, file, 'sh_entsize'),
      at,
    };
  };
  // Extended numbering: more than 0xff00 sections put the real count and string-table index in section 0.
  const first = readShdr(0);
  if (shnum === 0) shnum = first.size;
  if (shstrndx === 0xffff) shstrndx = first.link;
  if (shoff + shnum * SHDR64_SIZE > bytes.length) {
    throw new InputError(file, `ELF section header table (${shnum} entries at offset ${shoff}) is past the end of the file (${bytes.length} bytes)`);
  }
  const raw = Array.from({ length: shnum }, (_, i) => readShdr(i));
  for (const [i, s] of raw.entries()) {
    if (s.type !== SHT_NOBITS && s.type !== SHT_NULL && s.offset + s.size > bytes.length) {
      throw new InputError(file, `ELF section ${i} (header at offset ${s.at}) spans bytes ${s.offset}..${s.offset + s.size}, past the end of the file (${bytes.length} bytes)`);
    }
  }
  const strtab = raw[shstrndx];
  if (shstrndx >= shnum || !strtab) throw new InputError(file, `ELF e_shstrndx ${shstrndx} at offset 62 names no section (${shnum} sections)`);
  const sections: ElfSection[] = raw.map((s, index) => {
    if (s.nameOff >= strtab.size && index !== 0) {
      throw new InputError(file, `ELF section ${index} name offset ${s.nameOff} (header at offset ${s.at}) is past the section name table (${strtab.size} bytes)`);
    }
    const name = index === 0 && s.nameOff >= strtab.size ? '' : cString(bytes, strtab.offset + s.nameOff, strtab.offset + strtab.size);
    return { index, name, type: s.type, flags: s.flags, addr: Number(s.addrBig), addrBig: s.addrBig, offset: s.offset, size: s.size, link: s.link, info: s.info, addralign: s.addralign, entsize: s.entsize };
  });
  const byName = new Map<string, ElfSection>();
  for (const s of sections) if (!byName.has(s.name)) byName.set(s.name, s);
  const sectionOf = (s: ElfSection | string) => (typeof s === 'string' ? byName.get(s) : s);
  const sectionData = (s: ElfSection | string): Uint8Array | undefined => {
    const sec = sectionOf(s);
    if (!sec) return undefined;
    if (sec.type === SHT_NOBITS) return new Uint8Array(0);
    return bytes.subarray(sec.offset, sec.offset + sec.size);
  };
  let symbols: ElfSymbol[] | undefined;
  const readSymbols = (): ElfSymbol[] => {
    const symtab = sections.find((s) => s.type === SHT_SYMTAB);
    if (!symtab) return [];
    const names = sections[symtab.link];
    if (!names) throw new InputError(file, `ELF symbol table (section ${symtab.index}) links to section ${symtab.link}, which does not exist`);
    const out: ElfSymbol[] = [];
    const count = Math.floor(symtab.size / SYM64_SIZE);
    for (let i = 0; i < count; i++) {
      const at = symtab.offset + i * SYM64_SIZE;
      const nameOff = dv.getUint32(at, le);
      if (nameOff >= names.size && nameOff !== 0) {
        throw new InputError(file, `ELF symbol ${i} name offset ${nameOff} (at offset ${at}) is past its string table (${names.size} bytes)`);
      }
      const info = bytes[at + 4] ?? 0;
      out.push({
        index: i,
        name: nameOff === 0 ? '' : cString(bytes, names.offset + nameOff, names.offset + names.size),
        value: Number(dv.getBigUint64(at + 8, le)),
        valueBig: dv.getBigUint64(at + 8, le),
        size: u64(dv, at + 16, le, file, 'st_size'),
        type: info & 0xf,
        bind: info >> 4,
        other: bytes[at + 5] ?? 0,
        shndx: dv.getUint16(at + 6, le),
      });
    }
    return out;
  };
  return {
    file,
    endian: le ? 'little' : 'big',
    machine,
    type,
    sections,
    section: (name) => byName.get(name),
    sectionData,
    view: (s) => new DataView(bytes.buffer, bytes.byteOffset + s.offset, s.type === SHT_NOBITS ? 0 : s.size),
    symbols: () => (symbols ??= readSymbols()),
  };
}
