/**
 * `.BTF.ext` (the kernel's Documentation/bpf/btf.rst, "BTF.ext section"; libbpf's btf.c btf_ext__new): per
 * program section, the function info, the line info and the CO-RE relocations of a BPF object file. In an
 * object file (`.o`, a skeleton's embedded object) every `insn_off` is a byte offset within the named section.
 * Strings (section names, file names, line text, access strings) live in the `.BTF` string section: this
 * module keeps their offsets and the caller resolves them.
 */

export const BTF_EXT_MAGIC = 0xeb9f;

/** A malformed `.BTF.ext`: `offset` is the byte offset in the section where reading stopped. */
export class BtfExtError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BtfExtError';
  }
}

export interface FuncInfo {
  insnOff: number;
  typeId: number;
}

export interface LineInfo {
  insnOff: number;
  fileNameOff: number;
  lineOff: number;
  line: number;
  col: number;
}

/** The CO-RE relocation kinds (libbpf's enum bpf_core_relo_kind). */
export const CORE_RELO_KINDS = [
  'field_byte_offset',
  'field_byte_size',
  'field_exists',
  'field_signed',
  'field_lshift_u64',
  'field_rshift_u64',
  'type_id_local',
  'type_id_target',
  'type_exists',
  'type_size',
  'enumval_exists',
  'enumval_value',
  'type_matches',
] as const;
export type CoreReloKind = (typeof CORE_RELO_KINDS)[number] | `unknown(${number})`;

export interface CoreRelo {
  insnOff: number;
  typeId: number;
  accessStrOff: number;
  kind: CoreReloKind;
}

export interface ExtSection<T> {
  secNameOff: number;
  records: T[];
}

export interface BtfExt {
  version: number;
  funcInfo: ExtSection<FuncInfo>[];
  lineInfo: ExtSection<LineInfo>[];
  coreRelos: ExtSection<CoreRelo>[];
}

const HEADER_MIN = 24;
const HEADER_WITH_CORE = 32;

export function parseBtfExt(data: Buffer): BtfExt {
  if (data.length < 8) throw new BtfExtError(`truncated .BTF.ext header (${data.length} bytes)`, 0);
  const magic = data.readUInt16LE(0);
  if (magic === 0x9feb) throw new BtfExtError('big-endian .BTF.ext is not supported', 0);
  if (magic !== BTF_EXT_MAGIC) throw new BtfExtError(`bad .BTF.ext magic 0x${magic.toString(16)}`, 0);
  const version = data.readUInt8(2);
  if (version !== 1) throw new BtfExtError(`unsupported .BTF.ext version ${version}`, 2);
  const hdrLen = data.readUInt32LE(4);
  if (hdrLen < HEADER_MIN || hdrLen > data.length) throw new BtfExtError(`bad .BTF.ext header length ${hdrLen}`, 4);
  const u32 = (o: number) => data.readUInt32LE(o);
  const block = (offField: number) => ({ off: u32(offField), len: u32(offField + 4) });
  const func = block(8);
  const line = block(16);
  const core = hdrLen >= HEADER_WITH_CORE ? block(24) : { off: 0, len: 0 };
  return {
    version,
    funcInfo: readInfo(data, hdrLen, func, 8, 'func_info', (o) => ({ insnOff: u32(o), typeId: u32(o + 4) })),
    lineInfo: readInfo(data, hdrLen, line, 16, 'line_info', (o) => {
      const lineCol = u32(o + 12);
      return { insnOff: u32(o), fileNameOff: u32(o + 4), lineOff: u32(o + 8), line: lineCol >>> 10, col: lineCol & 0x3ff };
    }),
    coreRelos: readInfo(data, hdrLen, core, 16, 'core_relo', (o) => {
      const k = u32(o + 12);
      return { insnOff: u32(o), typeId: u32(o + 4), accessStrOff: u32(o + 8), kind: CORE_RELO_KINDS[k] ?? `unknown(${k})` };
    }),
  };
}

/**
 * One info block: a record size, then per section `{sec_name_off, num_info}` and num_info records. Records
 * may be larger than this reader knows (a newer format appends fields): it reads the prefix it knows, as
 * libbpf does, but never a record smaller than that.
 */
function readInfo<T>(
  data: Buffer,
  hdrLen: number,
  block: { off: number; len: number },
  minRec: number,
  what: string,
  rec: (offset: number) => T,
): ExtSection<T>[] {
  if (block.len === 0) return [];
  const start = hdrLen + block.off;
  const end = start + block.len;
  if (end > data.length || start > end) throw new BtfExtError(`${what} (${block.len} bytes at ${start}) runs past the section end (${data.length})`, start);
  if (block.len < 4) throw new BtfExtError(`${what} too short for its record size`, start);
  const recSize = data.readUInt32LE(start);
  if (recSize < minRec || recSize % 4 !== 0) throw new BtfExtError(`${what} record size ${recSize} (needs at least ${minRec}, a multiple of 4)`, start);
  const out: ExtSection<T>[] = [];
  let pos = start + 4;
  while (pos < end) {
    if (pos + 8 > end) throw new BtfExtError(`truncated ${what} section header`, pos);
    const secNameOff = data.readUInt32LE(pos);
    const num = data.readUInt32LE(pos + 4);
    pos += 8;
    if (num === 0) throw new BtfExtError(`${what} section with no records`, pos - 4);
    if (pos + num * recSize > end) throw new BtfExtError(`${what}: ${num} records of ${recSize} bytes run past the block end`, pos - 8);
    const records: T[] = [];
    for (let i = 0; i < num; i++, pos += recSize) records.push(rec(pos));
    out.push({ secNameOff, records });
  }
  return out;
}

/**
 * A CO-RE access string (`0:1:2`): the first number indexes the root type as an array (almost always 0), each
 * following one a struct/union member index or an array element index, resolved against the type chain.
 */
export function parseAccessString(s: string): number[] | undefined {
  if (!/^\d+(:\d+)*$/.test(s)) return undefined;
  return s.split(':').map(Number);
}
