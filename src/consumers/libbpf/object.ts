/**
 * A BPF ELF object (`clang -target bpf` output, as a skeleton embeds it): its program sections and the functions
 * in them, its subprograms (`.text`), ELF relocations (which symbol an `lddw` or a call names), BTF, and the
 * `.BTF.ext` line info and CO-RE relocations indexed by section and instruction. Built on the shared ELF and
 * BTF readers (src/btf); everything wrong in it is an InputError naming the file and the offset.
 */
import { type Btf, parseBtf } from '../../btf/btf.js';
import { type ElfFile, type ElfSection, type ElfSymbol, SHT_REL, parseElf } from '../../btf/elf.js';
import { InputError } from '../../errors.js';
import { type BtfExt, BtfExtError, type CoreRelo, type LineInfo, parseBtfExt } from './btf-ext.js';
import { INSN_SIZE, type Insn, decodeInsns } from './insn.js';

export const EM_BPF = 247;
const SHF_EXECINSTR = 0x4;
const STT_FUNC = 2;
const STT_SECTION = 3;

export interface ElfReloc {
  /** Byte offset in the target section. */
  offset: number;
  symbol: ElfSymbol | undefined;
  type: number;
}

export interface CodeSection {
  section: ElfSection;
  insns: Insn[];
  /** Instruction index → decoded instruction (an lddw's second slot has none). */
  at: Map<number, Insn>;
  relocs: Map<number, ElfReloc>;
  lines: LineInfo[];
  coreRelos: Map<number, CoreRelo>;
  /** FUNC symbols defined in the section, by start index. */
  funcs: ElfSymbol[];
}

export interface BpfObject {
  elf: ElfFile;
  btf: Btf | undefined;
  ext: BtfExt | undefined;
  code: Map<string, CodeSection>;
  /** By section index, for relocations against section symbols. */
  codeByIndex: Map<number, CodeSection>;
  /** Why `.BTF` or `.BTF.ext` is missing, when it is. */
  notes: string[];
}

/** `where` names the object inside the file given (`BPF object at offset 230960`) for error messages. */
export function readBpfObject(bytes: Uint8Array, file: string, where: string): BpfObject {
  const wrap = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof InputError) throw new InputError(file, `${where}: ${what}${e.message}`);
      if (e instanceof BtfExtError) throw new InputError(file, `${where}: .BTF.ext at byte ${e.offset}: ${e.message}`);
      throw e;
    }
  };
  const elf = wrap('', () => parseElf(bytes, file));
  if (elf.machine !== EM_BPF) throw new InputError(file, `${where}: e_machine ${elf.machine} is not BPF (247)`);
  if (elf.endian !== 'little') throw new InputError(file, `${where}: big-endian BPF objects are not read`);
  const notes: string[] = [];
  const btfData = elf.sectionData('.BTF');
  const btf = btfData ? wrap('.BTF: ', () => parseBtf(btfData, { file })) : undefined;
  if (!btf) notes.push('no .BTF section: fields and types cannot be named');
  const extData = elf.sectionData('.BTF.ext');
  const ext = extData ? wrap('', () => parseBtfExt(Buffer.from(extData.buffer, extData.byteOffset, extData.byteLength))) : undefined;
  if (!ext) notes.push('no .BTF.ext section: no CO-RE relocations or line info');
  const symbols = wrap('', () => elf.symbols());
  const code = new Map<string, CodeSection>();
  const codeByIndex = new Map<number, CodeSection>();
  for (const s of elf.sections) {
    if (s.type !== 1 || (s.flags & SHF_EXECINSTR) === 0 || s.size === 0) continue;
    const data = elf.sectionData(s)!;
    const decoded = decodeInsns(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (!Array.isArray(decoded)) throw new InputError(file, `${where}: section ${s.name} (file offset ${s.offset + decoded.offset}): ${decoded.error}`);
    const cs: CodeSection = {
      section: s,
      insns: decoded,
      at: new Map(decoded.map((i) => [i.index, i])),
      relocs: new Map(),
      lines: [],
      coreRelos: new Map(),
      funcs: symbols.filter((y) => y.shndx === s.index && y.type === STT_FUNC).sort((a, b) => a.value - b.value),
    };
    code.set(s.name, cs);
    codeByIndex.set(s.index, cs);
  }
  for (const r of elf.sections) {
    if (r.type !== SHT_REL) continue;
    const target = codeByIndex.get(r.info);
    if (!target) continue;
    const view = elf.view(r);
    if (r.size % 16 !== 0) throw new InputError(file, `${where}: relocation section ${r.name} size ${r.size} is not a multiple of 16`);
    for (let at = 0; at < r.size; at += 16) {
      const offset = Number(view.getBigUint64(at, true));
      const info = view.getBigUint64(at + 8, true);
      const symIndex = Number(info >> 32n);
      const symbol = symbols[symIndex];
      if (symIndex !== 0 && !symbol) throw new InputError(file, `${where}: relocation ${at / 16} of ${r.name} names symbol ${symIndex}, past the symbol table (${symbols.length})`);
      target.relocs.set(offset / INSN_SIZE, { offset, symbol, type: Number(info & 0xffffffffn) });
    }
  }
  if (ext && btf) {
    // Every string the .BTF.ext names must be in .BTF's string section (libbpf refuses the object otherwise).
    const checkStr = (off: number, what: string) => {
      if (off >= btf.strEnd) throw new InputError(file, `${where}: .BTF.ext ${what} string offset ${off} is past the .BTF string section (${btf.strEnd} bytes)`);
    };
    for (const sec of ext.lineInfo) {
      checkStr(sec.secNameOff, 'line_info section name');
      for (const l of sec.records) {
        checkStr(l.fileNameOff, 'line_info file name');
        checkStr(l.lineOff, 'line_info line text');
      }
    }
    for (const sec of ext.coreRelos) {
      checkStr(sec.secNameOff, 'core_relo section name');
      for (const r of sec.records) checkStr(r.accessStrOff, 'core_relo access');
    }
    for (const sec of ext.funcInfo) checkStr(sec.secNameOff, 'func_info section name');
    const byName = (off: number) => btf.str(off);
    for (const sec of ext.lineInfo) {
      const cs = code.get(byName(sec.secNameOff));
      if (cs) cs.lines = [...sec.records].sort((a, b) => a.insnOff - b.insnOff);
    }
    for (const sec of ext.coreRelos) {
      const cs = code.get(byName(sec.secNameOff));
      if (!cs) continue;
      for (const rec of sec.records) cs.coreRelos.set(rec.insnOff / INSN_SIZE, rec);
    }
  }
  return { elf, btf, ext, code, codeByIndex, notes };
}

/** The line info covering instruction `index` of a section: the last record at or before it. */
export function lineAt(cs: CodeSection, index: number): LineInfo | undefined {
  const off = index * INSN_SIZE;
  let best: LineInfo | undefined;
  for (const l of cs.lines) {
    if (l.insnOff > off) break;
    if (l.line > 0) best = l;
  }
  return best;
}

/** Where a BPF-to-BPF call lands: libbpf's rule, relocation symbol value / 8 + imm + 1 in the symbol's section. */
export function callTarget(obj: BpfObject, cs: CodeSection, insn: Insn): { cs: CodeSection; index: number } | undefined {
  const rel = cs.relocs.get(insn.index);
  if (!rel) return { cs, index: insn.index + insn.imm + 1 };
  const sym = rel.symbol;
  if (!sym) return undefined;
  const target = obj.codeByIndex.get(sym.shndx);
  if (!target) return undefined;
  const base = sym.value / INSN_SIZE;
  return { cs: target, index: sym.type === STT_SECTION || sym.type === STT_FUNC ? base + insn.imm + 1 : base };
}

/** The function (FUNC symbol) an instruction belongs to: its index range [start, end). */
export function functionAt(cs: CodeSection, index: number): { name: string; start: number; end: number } | undefined {
  let found: ElfSymbol | undefined;
  for (const f of cs.funcs) if (f.value / INSN_SIZE <= index) found = f;
  if (!found) return undefined;
  const start = found.value / INSN_SIZE;
  const end = found.size > 0 ? start + found.size / INSN_SIZE : cs.insns.length > 0 ? cs.insns[cs.insns.length - 1]!.index + 1 : start;
  return index < end ? { name: found.name, start, end } : undefined;
}
