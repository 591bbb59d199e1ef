/**
 * Lays out a hand-written C struct the way clang does for x86_64 (natural alignment, no packing), as bcc
 * tools that `attach_tracepoint(tp=..., fn_name=F)` declare the record F reads. Enough C for those structs:
 * scalar kernel and C integer types, pointers, fixed arrays.
 */

export interface LaidField {
  name: string;
  type: string;
  offset: number;
  size: number;
}

const SIZES: Record<string, number> = {
  char: 1, 'signed char': 1, 'unsigned char': 1, bool: 1, _Bool: 1, u8: 1, s8: 1, __u8: 1, __s8: 1, int8_t: 1, uint8_t: 1,
  short: 2, 'unsigned short': 2, 'short int': 2, u16: 2, s16: 2, __u16: 2, __s16: 2, int16_t: 2, uint16_t: 2, __be16: 2, __le16: 2,
  int: 4, 'unsigned int': 4, unsigned: 4, 'signed int': 4, u32: 4, s32: 4, __u32: 4, __s32: 4, int32_t: 4, uint32_t: 4,
  pid_t: 4, uid_t: 4, gid_t: 4, __be32: 4, __le32: 4, dev_t: 4, gfp_t: 4, umode_t: 2,
  long: 8, 'unsigned long': 8, 'long int': 8, 'long long': 8, 'unsigned long long': 8, u64: 8, s64: 8, __u64: 8, __s64: 8,
  int64_t: 8, uint64_t: 8, size_t: 8, ssize_t: 8, loff_t: 8, off_t: 8, sector_t: 8, ino_t: 8, __be64: 8, __le64: 8,
};

export function scalarSize(type: string): number | undefined {
  const t = type.replace(/\b(?:const|volatile)\b/g, '').replace(/\s+/g, ' ').trim();
  if (t.endsWith('*')) return 8;
  return SIZES[t];
}

/** The struct's fields with offsets and sizes, or the first declaration it cannot size. */
export function layoutStruct(body: string): { fields: LaidField[] } | { unknown: string } {
  const fields: LaidField[] = [];
  let offset = 0;
  let align = 1;
  for (const raw of body.split(';')) {
    const decl = raw.replace(/\s+/g, ' ').trim();
    if (decl === '') continue;
    const m = /^(.*?)\s*\b([A-Za-z_]\w*)\s*((?:\[\s*\d+\s*\])*)$/.exec(decl);
    if (!m) return { unknown: decl };
    const elemType = m[1]!.trim();
    const elem = scalarSize(elemType);
    if (elem === undefined || elemType === '') return { unknown: decl };
    let count = 1;
    for (const d of m[3]!.matchAll(/\[\s*(\d+)\s*\]/g)) count *= Number(d[1]);
    offset = Math.ceil(offset / elem) * elem;
    align = Math.max(align, elem);
    fields.push({ name: m[2]!, type: m[3] ? `${elemType}${m[3].replace(/\s+/g, '')}` : elemType, offset, size: elem * count });
    offset += elem * count;
  }
  return { fields };
}
