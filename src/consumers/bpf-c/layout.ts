/**
 * x86_64 layout of a struct a BPF C file defines for itself (samples' `struct cpu_args { u64 pad; u32 state;
 * u32 cpu_id; }`): a program that reads a record through such a struct reads fixed offsets. Only scalar
 * types, pointers and arrays of them with numeric lengths are laid out; anything else stops the layout there
 * (later members get no offset) and is said.
 */
import type { CStruct } from './parse.js';

const SCALARS: Record<string, number> = {
  char: 1, 'signed char': 1, 'unsigned char': 1, bool: 1, _Bool: 1,
  short: 2, 'unsigned short': 2, 'short int': 2,
  int: 4, 'unsigned int': 4, unsigned: 4, 'signed int': 4,
  long: 8, 'unsigned long': 8, 'long int': 8, 'long long': 8, 'unsigned long long': 8, 'long unsigned int': 8,
  u8: 1, s8: 1, __u8: 1, __s8: 1, u16: 2, s16: 2, __u16: 2, __s16: 2,
  u32: 4, s32: 4, __u32: 4, __s32: 4, u64: 8, s64: 8, __u64: 8, __s64: 8,
  uint8_t: 1, int8_t: 1, uint16_t: 2, int16_t: 2, uint32_t: 4, int32_t: 4, uint64_t: 8, int64_t: 8,
  pid_t: 4, uid_t: 4, gid_t: 4, size_t: 8, ssize_t: 8, dev_t: 4, umode_t: 2, loff_t: 8,
};

export interface MemberLayout {
  name: string;
  type: string;
  offset?: number;
  size?: number;
}

export function layoutStruct(s: CStruct): { members: MemberLayout[]; stopped?: string } {
  const out: MemberLayout[] = [];
  let offset: number | undefined = 0;
  let stopped: string | undefined;
  for (const m of s.members) {
    const base = m.type.replace(/\b(const|volatile|struct)\b/g, '').replace(/\s+/g, ' ').trim();
    let size: number | undefined;
    let align: number | undefined;
    if (base.endsWith('*')) size = align = 8;
    else if (SCALARS[base] !== undefined) size = align = SCALARS[base];
    let count = 1;
    if (m.array !== undefined) {
      count = /^\d+$/.test(m.array) ? Number(m.array) : NaN;
    }
    const entry: MemberLayout = { name: m.name, type: m.array !== undefined ? `${m.type}[${m.array}]` : m.type };
    if (offset === undefined || size === undefined || align === undefined || Number.isNaN(count)) {
      if (!stopped && offset !== undefined) stopped = `cannot lay out member ${m.name} (${entry.type}): later offsets unknown`;
      offset = undefined;
      out.push(entry);
      continue;
    }
    offset = Math.ceil(offset / align) * align;
    entry.offset = offset;
    entry.size = size * count;
    offset += size * count;
    out.push(entry);
  }
  return stopped ? { members: out, stopped } : { members: out };
}
