/**
 * Writers of small BTF blobs and ELF64 files for tests: the reader's corner cases are built here, byte by byte
 * as btf.rst and the ELF spec lay them out, rather than committed as binaries.
 */
import { BTF_KINDS, type BtfKind } from '../../src/btf/btf.js';

type Endian = 'little' | 'big';

class Bytes {
  private parts: number[] = [];
  constructor(private readonly le: boolean) {}
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  u16(v: number) {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    this.parts.push(...(this.le ? b : b.reverse()));
  }
  u32(v: number) {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    this.parts.push(...(this.le ? b : b.reverse()));
  }
  u64(v: number) {
    const lo = v % 2 ** 32;
    const hi = Math.floor(v / 2 ** 32);
    if (this.le) {
      this.u32(lo);
      this.u32(hi);
    } else {
      this.u32(hi);
      this.u32(lo);
    }
  }
  bytes(b: Uint8Array | number[]) {
    for (const x of b) this.parts.push(x);
  }
  get length() {
    return this.parts.length;
  }
  pad(to: number) {
    while (this.parts.length % to) this.parts.push(0);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface MemberSpec {
  name: string;
  type: number;
  bitOffset: number;
  bitfieldSize?: number;
}

/** Builds a BTF blob type by type; ids are returned as types are added (1, 2, ... or after a base). */
export class BtfBuilder {
  private strs: string[] = [];
  private strOffsets = new Map<string, number>();
  private strLen = 0;
  private records: ((b: Bytes) => void)[] = [];
  private nextId: number;

  constructor(opts: { startId?: number; strStart?: number } = {}) {
    this.nextId = opts.startId ?? 1;
    this.strStart = opts.strStart ?? 0;
    if (this.strStart === 0) this.str('');
  }
  private readonly strStart: number;

  str(s: string): number {
    if (s === '' && this.strStart > 0) return 0;
    const known = this.strOffsets.get(s);
    if (known !== undefined) return known;
    const off = this.strStart + this.strLen;
    this.strs.push(s);
    this.strOffsets.set(s, off);
    this.strLen += Buffer.byteLength(s) + 1;
    return off;
  }

  /** A raw record: kind, name, vlen, kind flag, size-or-type, then extra u32/s32 words. */
  raw(kind: BtfKind | number, name: string | number, vlen: number, kflag: boolean, sizeOrType: number, words: number[] = []): number {
    const kindNo = typeof kind === 'number' ? kind : BTF_KINDS.indexOf(kind);
    const nameOff = typeof name === 'number' ? name : this.str(name);
    this.records.push((b) => {
      b.u32(nameOff);
      b.u32(((kflag ? 1 : 0) << 31) | (kindNo << 24) | vlen);
      b.u32(sizeOrType);
      for (const w of words) b.u32(w >>> 0);
    });
    return this.nextId++;
  }

  int(name: string, size: number, opts: { signed?: boolean; char?: boolean; bool?: boolean; bits?: number } = {}): number {
    const enc = (opts.signed ? 1 : 0) | (opts.char ? 2 : 0) | (opts.bool ? 4 : 0);
    return this.raw('int', name, 0, false, size, [(enc << 24) | (opts.bits ?? size * 8)]);
  }
  ref(kind: 'ptr' | 'typedef' | 'volatile' | 'const' | 'restrict' | 'type_tag', type: number, name = ''): number {
    return this.raw(kind, name, 0, false, type);
  }
  array(elem: number, index: number, nelems: number): number {
    return this.raw('array', '', 0, false, 0, [elem, index, nelems]);
  }
  struct(name: string, size: number, members: MemberSpec[], union = false): number {
    const kflag = members.some((m) => m.bitfieldSize);
    const words: number[] = [];
    for (const m of members) {
      words.push(this.str(m.name), m.type, kflag ? ((m.bitfieldSize ?? 0) << 24) | m.bitOffset : m.bitOffset);
    }
    return this.raw(union ? 'union' : 'struct', name, members.length, kflag, size, words);
  }
  enumType(name: string, size: number, values: [string, number][], signed = false): number {
    return this.raw('enum', name, values.length, signed, size, values.flatMap(([n, v]) => [this.str(n), v]));
  }
  enum64(name: string, values: [string, bigint][], signed = false): number {
    return this.raw('enum64', name, values.length, signed, 8, values.flatMap(([n, v]) => {
      const u = BigInt.asUintN(64, v);
      return [this.str(n), Number(u & 0xffffffffn), Number(u >> 32n)];
    }));
  }
  fwd(name: string, union = false): number {
    return this.raw('fwd', name, 0, union, 0);
  }
  funcProto(ret: number, params: [string, number][]): number {
    return this.raw('func_proto', '', params.length, false, ret, params.flatMap(([n, t]) => [this.str(n), t]));
  }
  func(name: string, proto: number, linkage = 1): number {
    return this.raw('func', name, linkage, false, proto);
  }
  variable(name: string, type: number, linkage = 1): number {
    return this.raw('var', name, 0, false, type, [linkage]);
  }
  datasec(name: string, size: number, vars: [number, number, number][]): number {
    return this.raw('datasec', name, vars.length, false, size, vars.flat());
  }
  float(name: string, size: number): number {
    return this.raw('float', name, 0, false, size);
  }
  declTag(name: string, type: number, componentIdx: number): number {
    return this.raw('decl_tag', name, 0, false, type, [componentIdx]);
  }

  build(endian: Endian = 'little'): Uint8Array {
    const le = endian === 'little';
    const types = new Bytes(le);
    for (const r of this.records) r(types);
    const strings = Buffer.concat(this.strs.map((s) => Buffer.from(`${s}\0`)));
    const out = new Bytes(le);
    out.u16(0xeb9f);
    out.u8(1);
    out.u8(0);
    out.u32(24);
    out.u32(0);
    out.u32(types.length);
    out.u32(types.length);
    out.u32(strings.length);
    out.bytes(types.done());
    out.bytes(strings);
    return out.done();
  }
}

export interface SectionSpec {
  name: string;
  type?: number;
  data: Uint8Array;
  /** sh_link / sh_info / sh_entsize (a symbol table's string table, a relocation section's target). */
  link?: number;
  info?: number;
  entsize?: number;
}

/** An ELF64 relocatable file holding the given sections (plus the null section and .shstrtab). */
export function buildElf(sections: SectionSpec[], endian: Endian = 'little', machine = 62): Uint8Array {
  const le = endian === 'little';
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let shstr = '';
  for (const n of names) {
    nameOffsets.push(shstr.length);
    shstr += `${n}\0`;
  }
  const shstrBytes = Buffer.from(shstr, 'latin1');
  const body = new Bytes(le);
  const dataOffsets: number[] = [];
  const all = [...sections.map((s) => s.data), shstrBytes];
  for (let i = 0; i < 64; i++) body.u8(0); // room for the ELF header, written below
  for (const d of all) {
    body.pad(8);
    dataOffsets.push(body.length);
    body.bytes(d);
  }
  body.pad(8);
  const shoff = body.length;
  const shdr = (name: number, type: number, offset: number, size: number, s?: SectionSpec) => {
    body.u32(name);
    body.u32(type);
    body.u64(0);
    body.u64(0);
    body.u64(offset);
    body.u64(size);
    body.u32(s?.link ?? 0);
    body.u32(s?.info ?? 0);
    body.u64(1);
    body.u64(s?.entsize ?? 0);
  };
  shdr(0, 0, 0, 0);
  sections.forEach((s, i) => shdr(nameOffsets[i + 1]!, s.type ?? 1, dataOffsets[i]!, s.data.length, s));
  shdr(nameOffsets[names.length - 1]!, 3, dataOffsets[all.length - 1]!, shstrBytes.length);
  const out = body.done();
  const hdr = new Bytes(le);
  hdr.bytes([0x7f, 0x45, 0x4c, 0x46, 2, le ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  hdr.u16(1); // ET_REL
  hdr.u16(machine);
  hdr.u32(1);
  hdr.u64(0); // entry
  hdr.u64(0); // phoff
  hdr.u64(shoff);
  hdr.u32(0); // flags
  hdr.u16(64);
  hdr.u16(0);
  hdr.u16(0);
  hdr.u16(64);
  hdr.u16(names.length);
  hdr.u16(names.length - 1);
  out.set(hdr.done(), 0);
  return out;
}

/** ELF64 symbol table entries (little endian) and the string table they name. */
export function symtab(symbols: { name: string; value: number; size?: number; type: number; bind?: number; shndx: number }[]): { symtab: Uint8Array; strtab: Uint8Array } {
  let str = '\0';
  const b = new Bytes(true);
  for (let i = 0; i < 24; i++) b.u8(0); // symbol 0
  for (const s of symbols) {
    const off = s.name ? str.length : 0;
    if (s.name) str += `${s.name}\0`;
    b.u32(off);
    b.u8(((s.bind ?? 0) << 4) | s.type);
    b.u8(0);
    b.u16(s.shndx);
    b.u64(s.value);
    b.u64(s.size ?? 0);
  }
  return { symtab: b.done(), strtab: Buffer.from(str, 'latin1') };
}

/** ELF64 RELA entries (little endian): offset, symbol index, type, addend. */
export function rela(entries: { offset: number; sym: number; type?: number; addend?: number }[]): Uint8Array {
  const b = new Bytes(true);
  for (const e of entries) {
    b.u64(e.offset);
    b.u32(e.type ?? 1);
    b.u32(e.sym);
    const a = e.addend ?? 0;
    b.u64(a >= 0 ? a : 2 ** 64 + a);
  }
  return b.done();
}
