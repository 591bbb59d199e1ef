/**
 * Builds small BPF ELF objects for the libbpf reader's tests, byte by byte as the ELF spec and btf.rst lay them
 * out: program sections of hand-assembled instructions, a symbol table (program and subprogram FUNC symbols,
 * the LINUX_KERNEL_VERSION extern), `.rel<section>` relocations, `.BTF` (from test/btf/builder.ts) and a
 * `.BTF.ext` with line info and CO-RE relocations.
 */
import { BtfBuilder } from '../btf/builder.js';

/** One instruction: opcode, dst, src, off, imm (and the upper half for lddw). */
export type I = [code: number, dst: number, src: number, off: number, imm: number];

export const asm = {
  ldxdw: (dst: number, src: number, off: number): I => [0x79, dst, src, off, 0],
  ldxw: (dst: number, src: number, off: number): I => [0x61, dst, src, off, 0],
  stxdw: (dst: number, src: number, off: number): I => [0x7b, dst, src, off, 0],
  movReg: (dst: number, src: number): I => [0xbf, dst, src, 0, 0],
  movImm: (dst: number, imm: number): I => [0xb7, dst, 0, 0, imm],
  lsh: (dst: number, imm: number): I => [0x67, dst, 0, 0, imm],
  arsh: (dst: number, imm: number): I => [0xc7, dst, 0, 0, imm],
  /** `if dst s> imm goto +off` */
  jsgt: (dst: number, imm: number, off: number): I => [0x65, dst, 0, off, imm],
  /** `if dst == imm goto +off` */
  jeq: (dst: number, imm: number, off: number): I => [0x15, dst, 0, off, imm],
  /** `if dst > src goto +off` (registers) */
  jgtReg: (dst: number, src: number, off: number): I => [0x2d, dst, src, off, 0],
  ja: (off: number): I => [0x05, 0, 0, off, 0],
  call: (helper: number): I => [0x85, 0, 0, 0, helper],
  /** A BPF-to-BPF call; with a relocation against the callee's section, imm = callee index - 1. */
  callSub: (imm: number): I => [0x85, 0, 1, 0, imm],
  exit: (): I => [0x95, 0, 0, 0, 0],
  /** `lddw dst, 0` (two slots); give it a relocation to name a symbol. */
  lddw: (dst: number): I[] => [[0x18, dst, 0, 0, 0], [0, 0, 0, 0, 0]],
};

export function encode(insns: (I | I[])[]): Buffer {
  const flat = insns.flatMap((i) => (Array.isArray(i[0]) ? (i as I[]) : [i as I]));
  const b = Buffer.alloc(flat.length * 8);
  flat.forEach(([code, dst, src, off, imm], k) => {
    b.writeUInt8(code, k * 8);
    b.writeUInt8((src << 4) | dst, k * 8 + 1);
    b.writeInt16LE(off, k * 8 + 2);
    b.writeInt32LE(imm, k * 8 + 4);
  });
  return b;
}

export interface ProgSpec {
  section: string;
  /** FUNC symbols in the section: name, first instruction index, instruction count, global? */
  funcs: { name: string; start: number; count: number; global?: boolean }[];
  code: Buffer;
  /** Relocations: instruction index → symbol name (a FUNC, `LINUX_KERNEL_VERSION`, or a section name for section symbols). */
  relocs?: { insn: number; symbol: string; type?: number }[];
  lines?: { insn: number; file: string; line: number; text?: string }[];
  core?: { insn: number; typeId: number; access: string; kind: number }[];
}

interface RawSection {
  name: string;
  type: number;
  flags: number;
  data: Buffer;
  link?: number;
  info?: number;
  entsize?: number;
}

/** A BPF object (ET_REL, EM_BPF) with these program sections and this BTF. */
export function buildBpfObject(progs: ProgSpec[], btf: BtfBuilder, opts: { ext?: boolean | Buffer } = {}): Buffer {
  // Strings the .BTF.ext names (section and file names, line text, access strings) go into the BTF first.
  const extParts = progs.map((p) => ({
    sec: btf.str(p.section),
    lines: (p.lines ?? []).map((l) => ({ ...l, fileOff: btf.str(l.file), textOff: btf.str(l.text ?? '') })),
    core: (p.core ?? []).map((c) => ({ ...c, accessOff: btf.str(c.access) })),
  }));
  const btfBytes = Buffer.from(btf.build());
  const sections: RawSection[] = [];
  const progIndex: number[] = [];
  for (const p of progs) {
    progIndex.push(sections.length + 1);
    sections.push({ name: p.section, type: 1, flags: 0x6, data: p.code });
  }
  sections.push({ name: '.BTF', type: 1, flags: 0, data: btfBytes });
  if (opts.ext !== false) sections.push({ name: '.BTF.ext', type: 1, flags: 0, data: Buffer.isBuffer(opts.ext) ? opts.ext : buildExt(extParts) });
  // Symbols: null, one SECTION symbol per program section, FUNC symbols, then the extern.
  const strtab: string[] = [''];
  const strOff = (s: string) => {
    let off = 0;
    for (const x of strtab) {
      if (x === s) return off;
      off += Buffer.byteLength(x) + 1;
    }
    strtab.push(s);
    return off;
  };
  const syms: { name: number; info: number; shndx: number; value: number; size: number; key: string }[] = [{ name: 0, info: 0, shndx: 0, value: 0, size: 0, key: '' }];
  progs.forEach((p, i) => syms.push({ name: strOff(p.section), info: 3, shndx: progIndex[i]!, value: 0, size: 0, key: `section:${p.section}` }));
  progs.forEach((p, i) => {
    for (const f of p.funcs) syms.push({ name: strOff(f.name), info: ((f.global ? 1 : 0) << 4) | 2, shndx: progIndex[i]!, value: f.start * 8, size: f.count * 8, key: f.name });
  });
  syms.push({ name: strOff('LINUX_KERNEL_VERSION'), info: (1 << 4) | 0, shndx: 0, value: 0, size: 0, key: 'LINUX_KERNEL_VERSION' });
  const symIndex = (name: string) => {
    const k = syms.findIndex((s) => s.key === name || s.key === `section:${name}`);
    if (k < 0) throw new Error(`no symbol ${name}`);
    return k;
  };
  const symtabIdx = sections.length + 1 + progs.filter((p) => p.relocs?.length).length;
  progs.forEach((p, i) => {
    if (!p.relocs?.length) return;
    const rel = Buffer.alloc(p.relocs.length * 16);
    p.relocs.forEach((r, k) => {
      rel.writeBigUInt64LE(BigInt(r.insn * 8), k * 16);
      rel.writeBigUInt64LE((BigInt(symIndex(r.symbol)) << 32n) | BigInt(r.type ?? (r.symbol === 'LINUX_KERNEL_VERSION' ? 1 : 10)), k * 16 + 8);
    });
    sections.push({ name: `.rel${p.section}`, type: 9, flags: 0, data: rel, link: symtabIdx, info: progIndex[i]!, entsize: 16 });
  });
  const symtab = Buffer.alloc(syms.length * 24);
  syms.forEach((s, k) => {
    symtab.writeUInt32LE(s.name, k * 24);
    symtab.writeUInt8(s.info, k * 24 + 4);
    symtab.writeUInt16LE(s.shndx, k * 24 + 6);
    symtab.writeBigUInt64LE(BigInt(s.value), k * 24 + 8);
    symtab.writeBigUInt64LE(BigInt(s.size), k * 24 + 16);
  });
  const strtabBytes = Buffer.from(strtab.map((s) => `${s}\0`).join(''), 'latin1');
  sections.push({ name: '.symtab', type: 2, flags: 0, data: symtab, link: sections.length + 2, entsize: 24 });
  sections.push({ name: '.strtab', type: 3, flags: 0, data: strtabBytes });
  return elf(sections);
}

function buildExt(parts: { sec: number; lines: { insn: number; line: number; fileOff: number; textOff: number }[]; core: { insn: number; typeId: number; accessOff: number; kind: number }[] }[]): Buffer {
  const words: number[] = [];
  const func = [8];
  const lineWords = [16];
  for (const p of parts) {
    if (p.lines.length === 0) continue;
    lineWords.push(p.sec, p.lines.length);
    for (const l of p.lines) lineWords.push(l.insn * 8, l.fileOff, l.textOff, (l.line << 10) | 1);
  }
  const coreWords = [16];
  for (const p of parts) {
    if (p.core.length === 0) continue;
    coreWords.push(p.sec, p.core.length);
    for (const c of p.core) coreWords.push(c.insn * 8, c.typeId, c.accessOff, c.kind);
  }
  const funcLen = func.length * 4;
  const lineLen = lineWords.length > 1 ? lineWords.length * 4 : 0;
  const coreLen = coreWords.length > 1 ? coreWords.length * 4 : 0;
  const hdr = Buffer.alloc(32);
  hdr.writeUInt16LE(0xeb9f, 0);
  hdr.writeUInt8(1, 2);
  hdr.writeUInt32LE(32, 4);
  hdr.writeUInt32LE(0, 8); // func_info: only its record size
  hdr.writeUInt32LE(funcLen, 12);
  hdr.writeUInt32LE(funcLen, 16);
  hdr.writeUInt32LE(lineLen, 20);
  hdr.writeUInt32LE(funcLen + lineLen, 24);
  hdr.writeUInt32LE(coreLen, 28);
  words.push(...func);
  if (lineLen) words.push(...lineWords);
  if (coreLen) words.push(...coreWords);
  const body = Buffer.alloc(words.length * 4);
  words.forEach((w, k) => body.writeUInt32LE(w >>> 0, k * 4));
  return Buffer.concat([hdr, body]);
}

function elf(sections: RawSection[]): Buffer {
  const all: RawSection[] = [...sections, { name: '.shstrtab', type: 3, flags: 0, data: Buffer.alloc(0) }];
  let names = '\0';
  const nameOff = all.map((s) => {
    const o = names.length;
    names += `${s.name}\0`;
    return o;
  });
  all[all.length - 1]!.data = Buffer.from(names, 'latin1');
  const chunks: Buffer[] = [Buffer.alloc(64)];
  let pos = 64;
  const offsets: number[] = [];
  for (const s of all) {
    const pad = (8 - (pos % 8)) % 8;
    chunks.push(Buffer.alloc(pad));
    pos += pad;
    offsets.push(pos);
    chunks.push(s.data);
    pos += s.data.length;
  }
  const pad = (8 - (pos % 8)) % 8;
  chunks.push(Buffer.alloc(pad));
  pos += pad;
  const shoff = pos;
  const sh = Buffer.alloc((all.length + 1) * 64);
  all.forEach((s, k) => {
    const at = (k + 1) * 64;
    sh.writeUInt32LE(nameOff[k]!, at);
    sh.writeUInt32LE(s.type, at + 4);
    sh.writeBigUInt64LE(BigInt(s.flags), at + 8);
    sh.writeBigUInt64LE(BigInt(offsets[k]!), at + 24);
    sh.writeBigUInt64LE(BigInt(s.data.length), at + 32);
    sh.writeUInt32LE(s.link ?? 0, at + 40);
    sh.writeUInt32LE(s.info ?? 0, at + 44);
    sh.writeBigUInt64LE(8n, at + 48);
    sh.writeBigUInt64LE(BigInt(s.entsize ?? 0), at + 56);
  });
  chunks.push(sh);
  const out = Buffer.concat(chunks);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(1, 16);
  out.writeUInt16LE(247, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(all.length + 1, 60);
  out.writeUInt16LE(all.length, 62);
  return out;
}
