/** What changed between two versions of one field: one answer, the most specific, so one change is one finding. */
import type { Field } from '../model/snapshot.js';
import { fieldDeclaration } from '../model/snapshot.js';
import type { FieldPair } from './compare.js';

export type FieldChange = 'dynamic' | 'size' | 'signedness' | 'type';

const ADDRESS_SPACES = /\b__(?:seg_gs|seg_fs|percpu|user|iomem|rcu|force|kernel)\b\s*/g;

/** A type name without pointer address spaces (`void __seg_gs *` → `void *`). */
export function withoutAddressSpaces(type: string): string {
  return type.includes('__') ? type.replace(ADDRESS_SPACES, '').replace(/\s+/g, ' ').trim() : type;
}

export interface ClassifyOptions {
  /** Both sides spell address spaces (default); false compares types without them. */
  addressSpaces?: boolean;
}

export function classifyFieldChange({ old, new: neu }: FieldPair, opts: ClassifyOptions = {}): FieldChange | undefined {
  if ((old.dynamic ?? null) !== (neu.dynamic ?? null)) return 'dynamic';
  if (old.size !== undefined && neu.size !== undefined) {
    if (old.size !== neu.size) return 'size';
  } else if (typeof old.array === 'number' && typeof neu.array === 'number' && old.array !== neu.array) {
    return 'size';
  }
  if (old.signed !== undefined && neu.signed !== undefined && old.signed !== neu.signed) return 'signedness';
  // '' is a type the side could not tell (a BTF's dynamic fields: BTF keeps only their u32 offset/length word).
  const spaces = opts.addressSpaces ?? true;
  const ot = spaces ? old.type : withoutAddressSpaces(old.type);
  const nt = spaces ? neu.type : withoutAddressSpaces(neu.type);
  if (ot !== nt && ot !== '' && nt !== '') return 'type';
  // An array length written differently (`TASK_COMM_LEN` vs 16), or one that could not be evaluated on one
  // side (`MAX_SKB_FRAGS` vs 17), is not a known change: unknown is not different.
  if ((old.array === undefined) !== (neu.array === undefined) && (old.size === undefined || neu.size === undefined)) return 'size';
  return undefined;
}

/** A field as findings show it: its declaration and layout. */
export function describeField(f: Field): Record<string, unknown> {
  const out: Record<string, unknown> = { decl: fieldDeclaration(f) };
  if (f.size !== undefined) out.size = f.size;
  if (f.offset !== undefined) out.offset = f.offset;
  if (f.signed !== undefined) out.signed = f.signed;
  return out;
}
