/**
 * A small, pure reader of raw BTF (the BPF Type Format, Documentation/bpf/btf.rst): the header, the type section
 * with every kind (INT .. ENUM64), the string section, and split BTF over a base (a kernel module's `.BTF` on top
 * of vmlinux's). It reads bytes already in memory; helpers answer what C spelling, size and signedness a type has.
 *
 * API (kept stable; other readers build on it: add, don't rename):
 * - `isRawBtf(bytes)`: the 0xEB9F magic is there (either byte order).
 * - `parseBtf(bytes, { file?, base? })` → `Btf`; throws an `InputError` naming `file` and the type id or offset of
 *   what is wrong: truncated header or sections, unknown kind, a string offset past the string section, a type id
 *   past the last type, a loop of references (typedef/pointer/modifier/array chains that never end).
 * - `Btf`: `header`, `endian`, `base`, `startId` (first id of its own types: 1, or the base's `typeCount` for split
 *   BTF), `typeCount` (ids are 0 .. typeCount-1, 0 being void), `type(id)`, `ownTypes()`, `str(offset)`,
 *   `byName(name, kind?)` (base types too), and the helpers:
 *   `skipModifiers(id)` (const/volatile/restrict/type tags), `resolve(id)` (modifiers and typedefs),
 *   `typedefChain(id)` (the typedef names down to the underlying type), `sizeOf(id)`, `alignOf(id)`,
 *   `isSigned(id)`, `cType(id)` (a C type name: `struct task_struct *`, `const char *`, `u8[16]`,
 *   `void (*)(int)`), `cDecl(id, name)` (a C declaration: `char comm[16]`), `members(id)` (a struct's or union's
 *   members with byte and bit offsets, bitfield sizes) and `flatMembers(id)` (anonymous members expanded).
 * - Types are plain objects, a union discriminated by `kind` (`'int'`, `'struct'`, ...); `BtfTypeOf<'struct'>` etc.
 */
import { InputError } from '../errors.js';
import type { Endian } from './elf.js';

export const BTF_MAGIC = 0xeb9f;
const HEADER_MIN = 24;

/** Kind numbers as in include/uapi/linux/btf.h, by their names in this reader. */
export const BTF_KINDS = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const', 'restrict',
  'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64',
] as const;
export type BtfKind = (typeof BTF_KINDS)[number];

export const BTF_INT_SIGNED = 1 << 0;
export const BTF_INT_CHAR = 1 << 1;
export const BTF_INT_BOOL = 1 << 2;

export interface BtfHeader {
  magic: number;
  version: number;
  flags: number;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
}

interface TypeBase {
  id: number;
  name: string;
  /** Byte offset of the type's record within the type section (for messages). */
  at: number;
}
export interface BtfVoid extends TypeBase { kind: 'void' }
export interface BtfInt extends TypeBase {
  kind: 'int';
  size: number;
  /** BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL. */
  encoding: number;
  bitOffset: number;
  bits: number;
}
export interface BtfRef<K extends BtfKind> extends TypeBase { kind: K; type: number }
export type BtfPtr = BtfRef<'ptr'>;
export type BtfTypedef = BtfRef<'typedef'>;
export type BtfVolatile = BtfRef<'volatile'>;
export type BtfConst = BtfRef<'const'>;
export type BtfRestrict = BtfRef<'restrict'>;
export type BtfTypeTag = BtfRef<'type_tag'>;
export interface BtfArray extends TypeBase { kind: 'array'; type: number; indexType: number; nelems: number }
export interface BtfMember {
  name: string;
  type: number;
  /** Offset in bits from the start of the struct. */
  bitOffset: number;
  /** Bitfield width in bits; 0 for a member that is not a bitfield. */
  bitfieldSize: number;
}
export interface BtfComposite<K extends 'struct' | 'union'> extends TypeBase { kind: K; size: number; members: BtfMember[] }
export type BtfStruct = BtfComposite<'struct'>;
export type BtfUnion = BtfComposite<'union'>;
export interface BtfEnum extends TypeBase { kind: 'enum'; size: number; signed: boolean; values: { name: string; value: number }[] }
export interface BtfEnum64 extends TypeBase { kind: 'enum64'; size: number; signed: boolean; values: { name: string; value: bigint }[] }
export interface BtfFwd extends TypeBase { kind: 'fwd'; union: boolean }
export interface BtfFunc extends TypeBase { kind: 'func'; type: number; linkage: number }
export interface BtfParam { name: string; type: number }
/** A variadic prototype ends with a param of type 0 and no name. */
export interface BtfFuncProto extends TypeBase { kind: 'func_proto'; type: number; params: BtfParam[] }
export interface BtfVar extends TypeBase { kind: 'var'; type: number; linkage: number }
export interface BtfDatasec extends TypeBase { kind: 'datasec'; size: number; vars: { type: number; offset: number; size: number }[] }
export interface BtfFloat extends TypeBase { kind: 'float'; size: number }
export interface BtfDeclTag extends TypeBase { kind: 'decl_tag'; type: number; componentIdx: number }

export type BtfType =
  | BtfVoid | BtfInt | BtfPtr | BtfArray | BtfStruct | BtfUnion | BtfEnum | BtfFwd | BtfTypedef | BtfVolatile
  | BtfConst | BtfRestrict | BtfFunc | BtfFuncProto | BtfVar | BtfDatasec | BtfFloat | BtfDeclTag | BtfTypeTag
  | BtfEnum64;
export type BtfTypeOf<K extends BtfKind> = Extract<BtfType, { kind: K }>;

/** A member with its offset in bytes as well as in bits (`byteOffset` floored for bitfields). */
export interface BtfMemberInfo extends BtfMember {
  byteOffset: number;
}

export interface ParseBtfOptions {
  /** Names the input in errors. */
  file?: string;
  /** The base this is split BTF over (a module's `.BTF` over vmlinux's). */
  base?: Btf;
}

export function isRawBtf(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f));
}

const REF_KINDS = new Set<BtfKind>(['ptr', 'typedef', 'volatile', 'const', 'restrict', 'type_tag', 'func', 'var', 'decl_tag']);
const MODIFIERS = new Set<BtfKind>(['volatile', 'const', 'restrict', 'type_tag']);

export class Btf {
  readonly file: string;
  readonly header: BtfHeader;
  readonly endian: Endian;
  readonly base: Btf | undefined;
  readonly startId: number;
  private readonly own: BtfType[];
  private readonly strBytes: Uint8Array;
  /** Where this BTF's own strings start in the shared offset space (the base's string length for split BTF). */
  private readonly strStart: number;
  private readonly strCache = new Map<number, string>();
  /** The whole string section as one string when it is all ASCII (then a name is a slice of it, no decoding). */
  private readonly strAscii: string | undefined;
  private nameIndex: Map<string, number[]> | undefined;
  private pointerSize: number | undefined;

  private constructor(file: string, header: BtfHeader, endian: Endian, base: Btf | undefined, strBytes: Uint8Array) {
    this.file = file;
    this.header = header;
    this.endian = endian;
    this.base = base;
    this.startId = base ? base.typeCount : 1;
    this.strBytes = strBytes;
    this.strStart = base ? base.strEnd : 0;
    this.own = [];
    const all = Buffer.from(strBytes.buffer, strBytes.byteOffset, strBytes.byteLength);
    let ascii = true;
    for (let i = 0; i < all.length; i++) {
      if (all[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    this.strAscii = ascii ? all.toString('latin1') : undefined;
  }

  /** One past the last string offset this BTF (with its base) can name. */
  get strEnd(): number {
    return this.strStart + this.strBytes.length;
  }

  get typeCount(): number {
    return this.startId + this.own.length;
  }

  /** @internal */
  static parse(bytes: Uint8Array, opts: ParseBtfOptions): Btf {
    const file = opts.file ?? '<btf>';
    const fail = (msg: string): never => {
      throw new InputError(file, msg);
    };
    if (bytes.length < HEADER_MIN) fail(`truncated BTF header (${bytes.length} of ${HEADER_MIN} bytes)`);
    if (!isRawBtf(bytes)) fail(`not BTF (no 0xEB9F magic at offset 0)`);
    const le = bytes[0] === 0x9f;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const header: BtfHeader = {
      magic: dv.getUint16(0, le),
      version: dv.getUint8(2),
      flags: dv.getUint8(3),
      hdrLen: dv.getUint32(4, le),
      typeOff: dv.getUint32(8, le),
      typeLen: dv.getUint32(12, le),
      strOff: dv.getUint32(16, le),
      strLen: dv.getUint32(20, le),
    };
    if (header.version !== 1) fail(`BTF version ${header.version} at offset 2: only version 1 is read`);
    if (header.hdrLen < HEADER_MIN || header.hdrLen > bytes.length) fail(`BTF header length ${header.hdrLen} at offset 4 is out of range (file has ${bytes.length} bytes)`);
    const typeStart = header.hdrLen + header.typeOff;
    const strStart = header.hdrLen + header.strOff;
    if (typeStart + header.typeLen > bytes.length) {
      fail(`truncated BTF: type section (offset ${typeStart}, ${header.typeLen} bytes) ends past the end of the data (${bytes.length} bytes)`);
    }
    if (strStart + header.strLen > bytes.length) {
      fail(`truncated BTF: string section (offset ${strStart}, ${header.strLen} bytes) ends past the end of the data (${bytes.length} bytes)`);
    }
    if (header.typeOff % 4 !== 0) fail(`BTF type section offset ${header.typeOff} is not 4-byte aligned`);
    const strBytes = bytes.subarray(strStart, strStart + header.strLen);
    const base = opts.base;
    if (!base && (header.strLen === 0 || strBytes[0] !== 0)) fail(`BTF string section (offset ${strStart}) does not start with an empty string: split BTF (a module's .BTF) is read over its vmlinux base, e.g. from the kernel package directory`);
    if (header.strLen > 0 && strBytes[header.strLen - 1] !== 0) fail(`BTF string section (offset ${strStart}, ${header.strLen} bytes) does not end with a NUL`);
    const btf = new Btf(file, header, le ? 'little' : 'big', base, strBytes);
    btf.readTypes(dv, typeStart, header.typeLen, le);
    btf.checkReferences();
    return btf;
  }

  private readTypes(dv: DataView, start: number, len: number, le: boolean): void {
    const end = start + len;
    let at = start;
    const u32 = (o: number) => dv.getUint32(o, le);
    const s32 = (o: number) => dv.getInt32(o, le);
    let id = this.startId;
    while (at < end) {
      const rel = at - start;
      const need = (bytes: number) => {
        if (at + bytes > end) {
          throw new InputError(this.file, `truncated BTF: type id ${id} (at offset ${rel} of the type section) needs ${bytes} bytes, ${end - at} left`);
        }
      };
      need(12);
      const nameOff = u32(at);
      const info = u32(at + 4);
      const sizeOrType = u32(at + 8);
      const vlen = info & 0xffff;
      const kindNo = (info >>> 24) & 0x1f;
      const kflag = (info >>> 31) === 1;
      const kind = BTF_KINDS[kindNo];
      if (kindNo === 0 || !kind) throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section) has unknown kind ${kindNo}`);
      const name = this.nameAt(nameOff, id, rel);
            let t: BtfType;
      let p = at + 12;
      const name2 = (off: number) => this.nameAt(off, id, rel);
      switch (kind) {
        case 'int': {
          need(16);
          const v = u32(p);
          p += 4;
          t = { kind, id, name, at: rel, size: sizeOrType, encoding: (v >>> 24) & 0x0f, bitOffset: (v >>> 16) & 0xff, bits: v & 0xff };
          break;
        }
        case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag':
          t = { kind, id, name, at: rel, type: sizeOrType } as BtfType;
          break;
        case 'func':
          t = { kind, id, name, at: rel, type: sizeOrType, linkage: vlen };
          break;
        case 'fwd':
          t = { kind, id, name, at: rel, union: kflag };
          break;
        case 'float':
          t = { kind, id, name, at: rel, size: sizeOrType };
          break;
        case 'array': {
          need(24);
          t = { kind, id, name, at: rel, type: u32(p), indexType: u32(p + 4), nelems: u32(p + 8) };
          p += 12;
          break;
        }
        case 'struct': case 'union': {
          need(12 + vlen * 12);
          const members: BtfMember[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, p += 12) {
            const off = u32(p + 8);
            members[i] = {
              name: name2(u32(p)),
              type: u32(p + 4),
              bitOffset: kflag ? off & 0xffffff : off,
              bitfieldSize: kflag ? off >>> 24 : 0,
            };
          }
          t = { kind, id, name, at: rel, size: sizeOrType, members } as BtfType;
          break;
        }
        case 'enum': {
          need(12 + vlen * 8);
          const values = new Array<{ name: string; value: number }>(vlen);
          for (let i = 0; i < vlen; i++, p += 8) values[i] = { name: name2(u32(p)), value: kflag ? s32(p + 4) : u32(p + 4) };
          t = { kind, id, name, at: rel, size: sizeOrType, signed: kflag, values };
          break;
        }
        case 'enum64': {
          need(12 + vlen * 12);
          const values = new Array<{ name: string; value: bigint }>(vlen);
          for (let i = 0; i < vlen; i++, p += 12) {
            const raw = (BigInt(u32(p + 8)) << 32n) | BigInt(u32(p + 4));
            values[i] = { name: name2(u32(p)), value: kflag ? BigInt.asIntN(64, raw) : raw };
          }
          t = { kind, id, name, at: rel, size: sizeOrType, signed: kflag, values };
          break;
        }
        case 'func_proto': {
          need(12 + vlen * 8);
          const params = new Array<BtfParam>(vlen);
          for (let i = 0; i < vlen; i++, p += 8) params[i] = { name: name2(u32(p)), type: u32(p + 4) };
          t = { kind, id, name, at: rel, type: sizeOrType, params };
          break;
        }
        case 'var': {
          need(16);
          t = { kind, id, name, at: rel, type: sizeOrType, linkage: u32(p) };
          p += 4;
          break;
        }
        case 'datasec': {
          need(12 + vlen * 12);
          const vars = new Array<{ type: number; offset: number; size: number }>(vlen);
          for (let i = 0; i < vlen; i++, p += 12) vars[i] = { type: u32(p), offset: u32(p + 4), size: u32(p + 8) };
          t = { kind, id, name, at: rel, size: sizeOrType, vars };
          break;
        }
        case 'decl_tag': {
          need(16);
          t = { kind, id, name, at: rel, type: sizeOrType, componentIdx: s32(p) };
          p += 4;
          break;
        }
        default:
          throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section) has unknown kind ${kindNo}`);
      }
      this.own.push(t);
      at = p;
      id++;
    }
  }

  private nameAt(off: number, id: number, rel: number): string {
    if (off >= this.strEnd) {
      throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section): string offset ${off} is past the string section (${this.strEnd} bytes)`);
    }
    return this.str(off);
  }

  /** Every type id a type names exists, and no chain of references (pointers, typedefs, modifiers, arrays) loops. */
  private checkReferences(): void {
    const count = this.typeCount;
    const bad = (t: BtfType, ref: number, what: string): never => {
      throw new InputError(this.file, `BTF type id ${t.id} (at offset ${t.at} of the type section): ${what} type id ${ref} does not exist (${count} types)`);
    };
    const check = (t: BtfType, ref: number, what: string) => {
      if (ref >= count) bad(t, ref, what);
    };
    for (const t of this.own) {
      switch (t.kind) {
        case 'struct': case 'union':
          for (const m of t.members) check(t, m.type, `member ${m.name || '(anonymous)'}'s`);
          break;
        case 'func_proto':
          check(t, t.type, 'return');
          for (const p of t.params) check(t, p.type, `parameter ${p.name || '(unnamed)'}'s`);
          break;
        case 'array':
          check(t, t.type, 'element');
          check(t, t.indexType, 'index');
          break;
        case 'datasec':
          for (const v of t.vars) check(t, v.type, 'variable');
          break;
        default:
          if (REF_KINDS.has(t.kind)) check(t, (t as { type: number }).type, 'referenced');
      }
    }
    // Chains that do not pass through a struct, union or prototype must end: 0 unvisited, 1 on the path, 2 done.
    // Indexed by own id - startId: the base's types were checked when the base was read.
    const first = this.startId;
    const state = new Uint8Array(this.own.length);
    for (const t of this.own) {
      if (state[t.id - first] === 2) continue;
      const path: number[] = [];
      let cur: BtfType = t;
      for (;;) {
        if (cur.id < first || state[cur.id - first] === 2) break;
        if (state[cur.id - first] === 1) {
          const loop = path.slice(path.indexOf(cur.id)).concat(cur.id);
          throw new InputError(this.file, `BTF type id ${cur.id} (at offset ${cur.at} of the type section): type id loop ${loop.join(' -> ')}`);
        }
        state[cur.id - first] = 1;
        path.push(cur.id);
        const next = REF_KINDS.has(cur.kind) || cur.kind === 'array' ? (cur as { type: number }).type : 0;
        if (next === 0) break;
        cur = this.type(next);
      }
      for (const id of path) state[id - first] = 2;
    }
  }

  /** The type with this id (0 is void); an InputError for an id past the last type. */
  type(id: number): BtfType {
    if (id === 0) return VOID;
    if (id < this.startId) {
      if (this.base) return this.base.type(id);
      throw new InputError(this.file, `BTF type id ${id} does not exist`);
    }
    const t = this.own[id - this.startId];
    if (!t) throw new InputError(this.file, `BTF type id ${id} does not exist (${this.typeCount} types)`);
    return t;
  }

  /** This BTF's own types (not its base's), in id order. */
  ownTypes(): readonly BtfType[] {
    return this.own;
  }

  /** The string at `offset` (base strings first for split BTF); '' past the end. */
  str(offset: number): string {
    if (offset < this.strStart) return this.base ? this.base.str(offset) : '';
    const rel0 = offset - this.strStart;
    if (this.strAscii !== undefined) {
      if (rel0 >= this.strAscii.length) return '';
      const end = this.strAscii.indexOf('\0', rel0);
      return this.strAscii.slice(rel0, end < 0 ? this.strAscii.length : end);
    }
    let s = this.strCache.get(offset);
    if (s !== undefined) return s;
    const rel = offset - this.strStart;
    const b = this.strBytes;
    let end = rel;
    while (end < b.length && b[end] !== 0) end++;
    s = Buffer.from(b.buffer, b.byteOffset + rel, end - rel).toString('utf8');
    this.strCache.set(offset, s);
    return s;
  }

  /** Types named `name` (this BTF's and its base's), optionally of one kind, in id order. */
  byName<K extends BtfKind>(name: string, kind?: K): BtfTypeOf<K>[] {
    const base = this.base ? this.base.byName(name, kind) : [];
    if (!this.nameIndex) {
      const idx = new Map<string, number[]>();
      for (const t of this.own) {
        if (!t.name) continue;
        const l = idx.get(t.name);
        if (l) l.push(t.id);
        else idx.set(t.name, [t.id]);
      }
      this.nameIndex = idx;
    }
    const own = (this.nameIndex.get(name) ?? []).map((id) => this.type(id)).filter((t) => !kind || t.kind === kind);
    return [...base, ...(own as BtfTypeOf<K>[])];
  }

  /** Past const, volatile, restrict and type tags. */
  skipModifiers(id: number): number {
    let t = this.type(id);
    while (MODIFIERS.has(t.kind)) t = this.type((t as { type: number }).type);
    return t.id;
  }

  /** Past modifiers and typedefs: the type the name stands for. */
  resolve(id: number): number {
    let t = this.type(id);
    while (MODIFIERS.has(t.kind) || t.kind === 'typedef') t = this.type((t as { type: number }).type);
    return t.id;
  }

  /** The typedef names from `id` down to the underlying type (`pid_t` → [`pid_t`, `__kernel_pid_t`]). */
  typedefChain(id: number): string[] {
    const out: string[] = [];
    let t = this.type(id);
    while (t.kind === 'typedef' || t.kind === 'const' || t.kind === 'volatile' || t.kind === 'restrict' || t.kind === 'type_tag') {
      if (t.kind === 'typedef') out.push(t.name);
      t = this.type(t.type);
    }
    return out;
  }

  /** Bytes a pointer takes: from the `long` this BTF has (libbpf guesses the same way), 8 when it has none. */
  get ptrSize(): number {
    if (this.pointerSize === undefined) {
      const longs = ['long', 'long int', 'unsigned long', 'long unsigned int'];
      let size: number | undefined;
      for (const n of longs) {
        const t = this.byName(n, 'int')[0];
        if (t) {
          size = t.size;
          break;
        }
      }
      this.pointerSize = size ?? 8;
    }
    return this.pointerSize;
  }

  /** Bytes an object of this type takes; an InputError for a type that has no size (void, fwd, func). */
  sizeOf(id: number): number {
    const t = this.type(this.resolve(id));
    switch (t.kind) {
      case 'int': case 'enum': case 'enum64': case 'struct': case 'union': case 'float': case 'datasec':
        return t.size;
      case 'ptr':
        return this.ptrSize;
      case 'array':
        return t.nelems * this.sizeOf(t.type);
      case 'var':
        return this.sizeOf(t.type);
      default:
        throw new InputError(this.file, `BTF type id ${id} (${t.kind}${t.name ? ` ${t.name}` : ''}) has no size`);
    }
  }

  /** Alignment in bytes (natural alignment, as the C ABIs BTF is produced for use). */
  alignOf(id: number): number {
    const t = this.type(this.resolve(id));
    switch (t.kind) {
      case 'int': case 'enum': case 'enum64': case 'float':
        return Math.min(t.size, this.ptrSize === 4 ? 4 : 16) || 1;
      case 'ptr':
        return this.ptrSize;
      case 'array':
        return this.alignOf(t.type);
      case 'struct': case 'union': {
        let a = 1;
        for (const m of t.members) a = Math.max(a, this.alignOf(m.type));
        return a;
      }
      default:
        return 1;
    }
  }

  /**
   * Whether the type is signed the way the kernel's is_signed_type() sees it: signed integers and enums with
   * negative values (BTF's kind flag); pointers, unsigned integers, bool, unsigned enums are not. Arrays answer
   * for their element. Undefined for types where C has no answer (structs, void, functions).
   */
  isSigned(id: number): boolean | undefined {
    const t = this.type(this.resolve(id));
    switch (t.kind) {
      case 'int':
        return (t.encoding & BTF_INT_SIGNED) !== 0;
      case 'enum': case 'enum64':
        return t.signed;
      case 'ptr':
        return false;
      case 'float':
        return true;
      case 'array':
        return this.isSigned(t.type);
      default:
        return undefined;
    }
  }

  /** A C type name: `unsigned int`, `struct sk_buff *`, `const char *`, `u8[16]`, `void (*)(void *, int)`. */
  cType(id: number): string {
    return this.cDecl(id, '');
  }

  /** A C declaration of `name` with this type: `char comm[16]`, `int (*fn)(void *)`, `struct rq *rq`. */
  cDecl(id: number, name: string): string {
    // Build the declarator inside-out, as C reads it: arrays and prototypes bind tighter than pointers.
    let decl = name;
    let t = this.type(id);
    let lastWasPtr = false;
    const quals: string[] = [];
    for (;;) {
      switch (t.kind) {
        case 'const': case 'volatile': case 'restrict': {
          quals.push(t.kind);
          t = this.type(t.type);
          continue;
        }
        case 'type_tag':
          t = this.type(t.type);
          continue;
        case 'ptr': {
          const q = quals.length ? ` ${quals.reverse().join(' ')}` : '';
          quals.length = 0;
          decl = `*${q}${q && decl ? ' ' : ''}${decl}`;
          lastWasPtr = true;
          t = this.type(t.type);
          continue;
        }
        case 'array': {
          if (lastWasPtr) decl = `(${decl})`;
          decl = `${decl}[${t.nelems}]`;
          lastWasPtr = false;
          t = this.type(t.type);
          continue;
        }
        case 'func_proto': {
          if (lastWasPtr) decl = `(${decl})`;
          const params = t.params.map((p) => (p.type === 0 && !p.name ? '...' : this.cDecl(p.type, '')));
          decl = `${decl}(${params.length ? params.join(', ') : 'void'})`;
          lastWasPtr = false;
          t = this.type(t.type);
          continue;
        }
        case 'func':
          t = this.type(t.type);
          continue;
        default: {
          const q = quals.length ? `${quals.reverse().join(' ')} ` : '';
          const baseName = this.baseName(t);
          if (!decl) return `${q}${baseName}`;
          return `${q}${baseName}${decl.startsWith('*') || decl.startsWith('(') || /^[A-Za-z_]/.test(decl) ? ' ' : ''}${decl}`;
        }
      }
    }
  }

  private baseName(t: BtfType): string {
    switch (t.kind) {
      case 'void':
        return 'void';
      case 'struct': case 'union':
        return `${t.kind} ${t.name || '(anon)'}`;
      case 'enum': case 'enum64':
        return `enum ${t.name || '(anon)'}`;
      case 'fwd':
        return `${t.union ? 'union' : 'struct'} ${t.name}`;
      default:
        return t.name || `(${t.kind})`;
    }
  }

  /** A struct's or union's members (through typedefs and modifiers), with byte offsets beside bit offsets. */
  members(id: number): BtfMemberInfo[] {
    const t = this.type(this.resolve(id));
    if (t.kind !== 'struct' && t.kind !== 'union') throw new InputError(this.file, `BTF type id ${id} is a ${t.kind}, not a struct or union`);
    return t.members.map((m) => ({ ...m, byteOffset: Math.floor(m.bitOffset / 8) }));
  }

  /** Members with anonymous struct/union members expanded in place, offsets from the outer struct. */
  flatMembers(id: number): BtfMemberInfo[] {
    const out: BtfMemberInfo[] = [];
    const walk = (tid: number, bitBase: number, depth: number) => {
      if (depth > 64) throw new InputError(this.file, `BTF type id ${tid}: anonymous members nest more than 64 deep`);
      for (const m of this.members(tid)) {
        const r = this.type(this.resolve(m.type));
        const bitOffset = bitBase + m.bitOffset;
        if (!m.name && (r.kind === 'struct' || r.kind === 'union')) walk(r.id, bitOffset, depth + 1);
        else out.push({ ...m, bitOffset, byteOffset: Math.floor(bitOffset / 8) });
      }
    };
    walk(id, 0, 0);
    return out;
  }
}

const VOID: BtfVoid = Object.freeze({ kind: 'void', id: 0, name: '', at: -1 }) as BtfVoid;

export function parseBtf(bytes: Uint8Array, opts: ParseBtfOptions = {}): Btf {
  return Btf.parse(bytes, opts);
}
