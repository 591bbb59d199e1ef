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

const MODIFIERS = new Set<BtfKind>(['volatile', 'const', 'restrict', 'type_tag']);

export class Btf {
  readonly file: string;
  readonly header: BtfHeader;
  readonly endian: Endian;
  readonly base: Btf | undefined;
  readonly startId: number;
  /**
   * A vmlinux holds ~150,000 types with ~600,000 members and parameters, and a reader asks for a few thousand.
   * So parsing records only where each type's record starts, its kind, name offset and the id it refers to (all
   * checked), and a type becomes an object the first time it is asked for.
   */
  private readonly dv: DataView;
  private readonly le: boolean;
  /** Where the type section starts in `dv` (record offsets in messages are relative to it). */
  private readonly typeStart: number;
  private recordAt = new Uint32Array(0);
  private kindNos = new Uint8Array(0);
  private nameOffs = new Uint32Array(0);
  private ownCount = 0;
  private readonly own: (BtfType | undefined)[] = [];
  private allOwn: BtfType[] | undefined;
  private readonly strBytes: Uint8Array;
  /** Where this BTF's own strings start in the shared offset space (the base's string length for split BTF). */
  private readonly strStart: number;
  private readonly strCache = new Map<number, string>();
  /** The whole string section as one string when it is all ASCII (then a name is a slice of it, no decoding). */
  private readonly strAscii: string | undefined;
  private nameIndex: Map<string, number[]> | undefined;
  private pointerSize: number | undefined;

  private constructor(file: string, header: BtfHeader, endian: Endian, base: Btf | undefined, strBytes: Uint8Array, dv: DataView, typeStart: number) {
    this.file = file;
    this.header = header;
    this.endian = endian;
    this.le = endian === 'little';
    this.base = base;
    this.startId = base ? base.typeCount : 1;
    this.strBytes = strBytes;
    this.strStart = base ? base.strEnd : 0;
    this.dv = dv;
    this.typeStart = typeStart;
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
    return this.startId + this.ownCount;
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
    const btf = new Btf(file, header, le ? 'little' : 'big', base, strBytes, dv, typeStart);
    btf.scanTypes(header.typeLen);
    btf.checkReferences();
    return btf;
  }

  /** Bytes a record of this kind takes after its 12-byte common part. */
  private static extraBytes(kindNo: number, vlen: number): number {
    switch (kindNo) {
      case 1: case 14: case 17: return 4; // int, var, decl_tag
      case 3: return 12; // array
      case 4: case 5: case 15: case 19: return vlen * 12; // struct, union, datasec, enum64
      case 6: case 13: return vlen * 8; // enum, func_proto
      default: return 0;
    }
  }

  /** The size of a record's vlen items when each starts with a name offset (0: the items have no names). */
  private static namedItemStride(kindNo: number): number {
    switch (kindNo) {
      case 4: case 5: case 19: return 12; // struct, union members; enum64 values
      case 6: case 13: return 8; // enum values, func_proto params
      default: return 0;
    }
  }

  /**
   * One pass over the type section: where each record starts, its kind and name offset. Every length and
   * every string offset is checked here, in id order, so that the first fault found is the one named.
   */
  private scanTypes(len: number): void {
    const dv = this.dv;
    const le = this.le;
    const start = this.typeStart;
    const end = start + len;
    // At least 12 bytes a type: capacity for the most the section can hold, trimmed at the end.
    const most = Math.floor(len / 12);
    const recordAt = new Uint32Array(most);
    const kindNos = new Uint8Array(most);
    const nameOffs = new Uint32Array(most);
    const strEnd = this.strEnd;
    let at = start;
    let n = 0;
    while (at < end) {
      const id = this.startId + n;
      const rel = at - start;
      if (at + 12 > end) throw new InputError(this.file, `truncated BTF: type id ${id} (at offset ${rel} of the type section) needs 12 bytes, ${end - at} left`);
      const nameOff = dv.getUint32(at, le);
      const info = dv.getUint32(at + 4, le);
      const vlen = info & 0xffff;
      const kindNo = (info >>> 24) & 0x1f;
      if (kindNo === 0 || kindNo >= BTF_KINDS.length) throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section) has unknown kind ${kindNo}`);
      if (nameOff >= strEnd) this.badString(id, rel, nameOff);
      const size = 12 + Btf.extraBytes(kindNo, vlen);
      if (at + size > end) throw new InputError(this.file, `truncated BTF: type id ${id} (at offset ${rel} of the type section) needs ${size} bytes, ${end - at} left`);
      const stride = Btf.namedItemStride(kindNo);
      if (stride > 0) {
        for (let i = 0, p = at + 12; i < vlen; i++, p += stride) {
          const off = dv.getUint32(p, le);
          if (off >= strEnd) this.badString(id, rel, off);
        }
      }
      recordAt[n] = at;
      kindNos[n] = kindNo;
      nameOffs[n] = nameOff;
      n++;
      at += size;
    }
    this.recordAt = recordAt.subarray(0, n);
    this.kindNos = kindNos.subarray(0, n);
    this.nameOffs = nameOffs.subarray(0, n);
    this.ownCount = n;
    this.own.length = n;
  }

  private badString(id: number, rel: number, off: number): never {
    throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section): string offset ${off} is past the string section (${this.strEnd} bytes)`);
  }

  /** The type object for own index `i`, built from its record. */
  private materialize(i: number): BtfType {
    const dv = this.dv;
    const le = this.le;
    const at = this.recordAt[i]!;
    const id = this.startId + i;
    const rel = at - this.typeStart;
    const u32 = (o: number) => dv.getUint32(o, le);
    const s32 = (o: number) => dv.getInt32(o, le);
    const info = u32(at + 4);
    const sizeOrType = u32(at + 8);
    const vlen = info & 0xffff;
    const kflag = (info >>> 31) === 1;
    const kind = BTF_KINDS[this.kindNos[i]!]!;
    const name = this.str(this.nameOffs[i]!);
    const p = at + 12;
    switch (kind) {
      case 'int': {
        const v = u32(p);
        return { kind, id, name, at: rel, size: sizeOrType, encoding: (v >>> 24) & 0x0f, bitOffset: (v >>> 16) & 0xff, bits: v & 0xff };
      }
      case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag':
        return { kind, id, name, at: rel, type: sizeOrType } as BtfType;
      case 'func':
        return { kind, id, name, at: rel, type: sizeOrType, linkage: vlen };
      case 'fwd':
        return { kind, id, name, at: rel, union: kflag };
      case 'float':
        return { kind, id, name, at: rel, size: sizeOrType };
      case 'array':
        return { kind, id, name, at: rel, type: u32(p), indexType: u32(p + 4), nelems: u32(p + 8) };
      case 'struct': case 'union': {
        const members: BtfMember[] = new Array(vlen);
        for (let k = 0, q = p; k < vlen; k++, q += 12) {
          const off = u32(q + 8);
          members[k] = { name: this.str(u32(q)), type: u32(q + 4), bitOffset: kflag ? off & 0xffffff : off, bitfieldSize: kflag ? off >>> 24 : 0 };
        }
        return { kind, id, name, at: rel, size: sizeOrType, members } as BtfType;
      }
      case 'enum': {
        const values = new Array<{ name: string; value: number }>(vlen);
        for (let k = 0, q = p; k < vlen; k++, q += 8) values[k] = { name: this.str(u32(q)), value: kflag ? s32(q + 4) : u32(q + 4) };
        return { kind, id, name, at: rel, size: sizeOrType, signed: kflag, values };
      }
      case 'enum64': {
        const values = new Array<{ name: string; value: bigint }>(vlen);
        for (let k = 0, q = p; k < vlen; k++, q += 12) {
          const raw = (BigInt(u32(q + 8)) << 32n) | BigInt(u32(q + 4));
          values[k] = { name: this.str(u32(q)), value: kflag ? BigInt.asIntN(64, raw) : raw };
        }
        return { kind, id, name, at: rel, size: sizeOrType, signed: kflag, values };
      }
      case 'func_proto': {
        const params = new Array<BtfParam>(vlen);
        for (let k = 0, q = p; k < vlen; k++, q += 8) params[k] = { name: this.str(u32(q)), type: u32(q + 4) };
        return { kind, id, name, at: rel, type: sizeOrType, params };
      }
      case 'var':
        return { kind, id, name, at: rel, type: sizeOrType, linkage: u32(p) };
      case 'datasec': {
        const vars = new Array<{ type: number; offset: number; size: number }>(vlen);
        for (let k = 0, q = p; k < vlen; k++, q += 12) vars[k] = { type: u32(q), offset: u32(q + 4), size: u32(q + 8) };
        return { kind, id, name, at: rel, size: sizeOrType, vars };
      }
      case 'decl_tag':
        return { kind, id, name, at: rel, type: sizeOrType, componentIdx: s32(p) };
      default:
        throw new InputError(this.file, `BTF type id ${id} (at offset ${rel} of the type section) has unknown kind ${this.kindNos[i]}`);
    }
  }

  /**
   * Every type id a type names exists, and no chain of references (pointers, typedefs, modifiers, arrays) loops.
   * Read from the records, in id order and within a record in member order, as the messages name them.
   */
  private checkReferences(): void {
    const count = this.typeCount;
    const dv = this.dv;
    const le = this.le;
    const first = this.startId;
    const n = this.ownCount;
    // The one type each reference kind (and array) leads to: what a loop would run through.
    const next = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const at = this.recordAt[i]!;
      const kindNo = this.kindNos[i]!;
      const info = dv.getUint32(at + 4, le);
      const vlen = info & 0xffff;
      const p = at + 12;
      const bad = (ref: number, what: () => string): never => {
        throw new InputError(this.file, `BTF type id ${first + i} (at offset ${at - this.typeStart} of the type section): ${what()} type id ${ref} does not exist (${count} types)`);
      };
      switch (kindNo) {
        case 4: case 5: // struct, union
          for (let k = 0, q = p; k < vlen; k++, q += 12) {
            const ref = dv.getUint32(q + 4, le);
            if (ref >= count) bad(ref, () => `member ${this.str(dv.getUint32(q, le)) || '(anonymous)'}'s`);
          }
          break;
        case 13: { // func_proto
          const ret = dv.getUint32(at + 8, le);
          if (ret >= count) bad(ret, () => 'return');
          for (let k = 0, q = p; k < vlen; k++, q += 8) {
            const ref = dv.getUint32(q + 4, le);
            if (ref >= count) bad(ref, () => `parameter ${this.str(dv.getUint32(q, le)) || '(unnamed)'}'s`);
          }
          break;
        }
        case 3: { // array
          const elem = dv.getUint32(p, le);
          if (elem >= count) bad(elem, () => 'element');
          const index = dv.getUint32(p + 4, le);
          if (index >= count) bad(index, () => 'index');
          next[i] = elem;
          break;
        }
        case 15: // datasec
          for (let k = 0, q = p; k < vlen; k++, q += 12) {
            const ref = dv.getUint32(q, le);
            if (ref >= count) bad(ref, () => 'variable');
          }
          break;
        case 2: case 8: case 9: case 10: case 11: case 18: case 12: case 14: case 17: { // REF_KINDS
          const ref = dv.getUint32(at + 8, le);
          if (ref >= count) bad(ref, () => 'referenced');
          next[i] = ref;
          break;
        }
        default:
          break;
      }
    }
    // Chains that do not pass through a struct, union or prototype must end: 0 unvisited, 1 on the path, 2 done.
    // Indexed by own id - startId: the base's types were checked when the base was read.
    const state = new Uint8Array(n);
    const path: number[] = [];
    for (let i = 0; i < n; i++) {
      if (state[i] === 2) continue;
      path.length = 0;
      let cur = first + i;
      for (;;) {
        if (cur < first || state[cur - first] === 2) break;
        if (state[cur - first] === 1) {
          const loop = path.slice(path.indexOf(cur)).concat(cur);
          throw new InputError(this.file, `BTF type id ${cur} (at offset ${this.recordAt[cur - first]! - this.typeStart} of the type section): type id loop ${loop.join(' -> ')}`);
        }
        state[cur - first] = 1;
        path.push(cur);
        const to = next[cur - first]!;
        if (to === 0) break;
        cur = to;
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
    const i = id - this.startId;
    if (i >= this.ownCount) throw new InputError(this.file, `BTF type id ${id} does not exist (${this.typeCount} types)`);
    return (this.own[i] ??= this.materialize(i));
  }

  /** The kind of an own type, without building it. */
  kindOf(id: number): BtfKind {
    const i = id - this.startId;
    if (id === 0) return 'void';
    if (i < 0) return this.base ? this.base.kindOf(id) : this.type(id).kind;
    if (i >= this.ownCount) return this.type(id).kind;
    return BTF_KINDS[this.kindNos[i]!]!;
  }

  /** The name of a type, without building it. */
  nameOf(id: number): string {
    const i = id - this.startId;
    if (id === 0) return '';
    if (i < 0) return this.base ? this.base.nameOf(id) : this.type(id).name;
    if (i >= this.ownCount) return this.type(id).name;
    return this.str(this.nameOffs[i]!);
  }

  /** The first and one past the last id of this BTF's own types. */
  ownIds(): { first: number; end: number } {
    return { first: this.startId, end: this.typeCount };
  }

  /** This BTF's own types (not its base's), in id order. Builds every one: a scan by kind and name is cheaper with `ownIds`, `kindOf` and `nameOf`. */
  ownTypes(): readonly BtfType[] {
    if (!this.allOwn) {
      const all = new Array<BtfType>(this.ownCount);
      for (let i = 0; i < this.ownCount; i++) all[i] = this.type(this.startId + i);
      this.allOwn = all;
    }
    return this.allOwn;
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
    // Past the section, as in the ASCII path: '' (offsets the parser read were checked; callers' are not).
    if (rel >= b.length) return '';
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
      for (let i = 0; i < this.ownCount; i++) {
        if (this.nameOffs[i] === 0) continue;
        const name = this.str(this.nameOffs[i]!);
        if (!name) continue;
        const l = idx.get(name);
        if (l) l.push(this.startId + i);
        else idx.set(name, [this.startId + i]);
      }
      this.nameIndex = idx;
    }
    const own = (this.nameIndex.get(name) ?? []).filter((id) => !kind || this.kindOf(id) === kind).map((id) => this.type(id));
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
