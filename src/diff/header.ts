/**
 * A change of the common header (`struct trace_entry`: PREEMPT_RT's extra counters, 3.4's `common_padding`) moves
 * the payload of every event, by an amount that depends on each event's first fields' alignment. These helpers
 * say where each old field would sit if nothing but the header had changed: the old fields relaid after the new
 * header by natural alignment, as the kernel lays out `struct trace_event_raw_<event>`. A field found exactly
 * there moved with the header (reported once, by `common-fields-changed`); a field found elsewhere moved for a
 * reason of its event's own.
 */
import type { EventDef, Field } from '../model/snapshot.js';
import type { Comparison, EventPair } from './compare.js';

const lowBit = (n: number): number => n & -n;

const SCALAR_SIZES: Record<string, number> = {
  char: 1, 'unsigned char': 1, 'signed char': 1, u8: 1, s8: 1, __u8: 1, __s8: 1, bool: 1,
  short: 2, 'unsigned short': 2, u16: 2, s16: 2, __u16: 2, __s16: 2, __be16: 2, __le16: 2,
  int: 4, 'unsigned int': 4, u32: 4, s32: 4, __u32: 4, __s32: 4, __be32: 4, __le32: 4,
  long: 8, 'unsigned long': 8, 'long long': 8, 'unsigned long long': 8, u64: 8, s64: 8, __u64: 8, __s64: 8, __be64: 8, __le64: 8,
};

/**
 * The alignments a field may have, as far as its layout shows them, largest first: a `__data_loc` word is
 * 4-aligned, a pointer 8, a basic scalar or array element its own size. A field of another type (a struct, a
 * typedef) of 2, 4, 8 or more bytes is aligned to its largest member, which the layout does not show: any power
 * of two up to 8 that divides its element size and its old offset. Undefined when nothing is known (no size).
 */
export function alignments(f: Field): number[] | undefined {
  if (f.dynamic) return [4];
  if (f.size === undefined) return undefined;
  if (f.type.endsWith('*')) return [8];
  // A flexible array (`u32 data[]`, size 0) shows no element size: the basic types' own sizes say it.
  const elem = f.size === 0 ? SCALAR_SIZES[f.type] : typeof f.array === 'number' && f.array > 0 ? f.size / f.array : f.size;
  if (elem === undefined || !Number.isInteger(elem) || elem <= 0) return undefined;
  let max = Math.min(8, lowBit(elem));
  if (f.offset !== undefined && f.offset > 0) max = Math.min(max, lowBit(f.offset));
  const basic = SCALAR_SIZES[f.type] !== undefined || /^enum\b/.test(f.type) || elem === 1;
  if (basic) return [max];
  const out: number[] = [];
  for (let a = max; a >= 1; a /= 2) out.push(a);
  return out;
}

/** The largest alignment a field may have (see alignments). */
export function naturalAlign(f: Field): number | undefined {
  return alignments(f)?.[0];
}

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** `sizeof(struct trace_entry)`: the end of the last common field, rounded up to the header's alignment. */
export function headerSize(common: Field[]): number | undefined {
  let end = 0;
  let align = 1;
  for (const f of common) {
    const a = naturalAlign(f);
    if (f.offset === undefined || f.size === undefined || a === undefined) return undefined;
    end = Math.max(end, f.offset + f.size);
    align = Math.max(align, a);
  }
  return roundUp(end, align);
}

export interface HeaderChange {
  oldSize: number;
  newSize: number;
}

/** The two header sizes when they differ and both are known; undefined otherwise. */
export function headerChange(cmp: Comparison): HeaderChange | undefined {
  const oldSize = headerSize(cmp.old.header.common);
  const newSize = headerSize(cmp.new.header.common);
  if (oldSize === undefined || newSize === undefined || oldSize === newSize) return undefined;
  if (cmp.old.header.common.length === 0 || cmp.new.header.common.length === 0) return undefined;
  return { oldSize, newSize };
}

/**
 * Where each field of `ev` would sit laid out from `start` (the new header's end) in its own order, by natural
 * alignment. A field whose alignment the layout does not pin down (a struct: see alignments) takes the position
 * `seen` reports for it when one of its possible alignments gives that position, else the largest alignment's.
 * Undefined when a field's size or alignment is unknown (a prediction with holes cannot be relaid).
 */
export function relaidOffsets(ev: EventDef, start: number, seen?: (f: Field) => number | undefined): Map<Field, number> | undefined {
  const out = new Map<Field, number>();
  let offset = start;
  for (const f of ev.fields) {
    const as = alignments(f);
    if (as === undefined || f.size === undefined) return undefined;
    const candidates = as.map((a) => roundUp(offset, a));
    const actual = seen?.(f);
    offset = actual !== undefined && candidates.includes(actual) ? actual : candidates[0]!;
    out.set(f, offset);
    offset += f.size;
  }
  return out;
}

export interface HeaderMove {
  /** The old fields relaid after the new header. */
  expected: Map<Field, number>;
  /** Every paired field sits where the relaid layout puts it. */
  withHeader: boolean;
  /** Some paired field's offset differs between the sides. */
  moved: boolean;
  /** How far the payload's start moved (new first field's offset − old first field's): undefined without fields. */
  payloadShift?: number;
}

/** How an event pair's fields moved, judged against the old fields relaid after the new header. */
export function headerMove(p: EventPair, change: HeaderChange): HeaderMove | undefined {
  const newOffset = new Map<Field, number | undefined>();
  for (const fp of [...p.fields.matched, ...p.fields.renamed]) newOffset.set(fp.old, fp.new.offset);
  const expected = relaidOffsets(p.old, change.newSize, (f) => newOffset.get(f));
  if (!expected) return undefined;
  let withHeader = true;
  let moved = false;
  for (const fp of [...p.fields.matched, ...p.fields.renamed]) {
    if (fp.old.offset === undefined || fp.new.offset === undefined) return undefined;
    if (fp.new.offset !== expected.get(fp.old)) withHeader = false;
    if (fp.new.offset !== fp.old.offset) moved = true;
  }
  const o = p.old.fields[0]?.offset;
  const n = p.new.fields[0]?.offset;
  return { expected, withHeader, moved, ...(o !== undefined && n !== undefined ? { payloadShift: n - o } : {}) };
}
