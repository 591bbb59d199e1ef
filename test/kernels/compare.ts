/**
 * Predicted formats (tree extraction) against a real tracefs capture: per event present in both,
 * fields must agree on name, type, size, offset and signedness.
 */
import type { EventDef, Field, Snapshot } from '../../src/model/snapshot.js';
import { eventKey } from '../../src/model/snapshot.js';

export interface Mismatch {
  event: string;
  reason: string;
}

export interface Comparison {
  captureEvents: number;
  /** Capture events (syscalls excluded: generated, not in headers) found in the tree. */
  covered: number;
  coverable: number;
  matched: number;
  mismatches: Mismatch[];
  missing: string[];
}

const OTHER_ARCH = /defined\(CONFIG_(?!X86\))[A-Z0-9_]+\)/;

/** The tree's definition of an event as x86_64 builds it: not one for another architecture. */
export function pickX86(defs: EventDef[]): EventDef | undefined {
  const ok = defs.filter((d) => !OTHER_ARCH.test(d.condition ?? ''));
  return ok[0] ?? undefined;
}

/** The same for the architecture whose Kconfig symbol is `symbol` (X86, ARM64, ARM). */
export function pickFor(symbol: string): (defs: EventDef[]) => EventDef | undefined {
  if (symbol === 'X86') return pickX86;
  const other = new RegExp(`defined\\(CONFIG_(?!${symbol}\\))[A-Z0-9_]+\\)`);
  return (defs) => defs.filter((d) => !other.test(d.condition ?? ''))[0];
}

function describe(f: Field | undefined): string {
  if (!f) return '(none)';
  const arr = f.array === undefined ? '' : `[${f.array}]`;
  return `${f.dynamic ? `__${f.dynamic} ` : ''}${f.type}${arr} ${f.name} @${f.offset ?? '?'}+${f.size ?? '?'} ${f.signed === undefined ? '?' : f.signed ? 's' : 'u'}`;
}

export function fieldDiff(tree: Field[], cap: Field[]): string | undefined {
  const n = Math.max(tree.length, cap.length);
  for (let i = 0; i < n; i++) {
    const a = tree[i];
    const b = cap[i];
    if (!a || !b || a.name !== b.name || a.type !== b.type || a.size !== b.size || a.offset !== b.offset || a.signed !== b.signed || (a.array ?? null) !== (b.array ?? null) || a.dynamic !== b.dynamic) {
      return `field ${i}: tree ${describe(a)} / capture ${describe(b)}`;
    }
  }
  return undefined;
}

export function compareToCapture(tree: Snapshot, capture: Snapshot): Comparison {
  const byKey = new Map<string, EventDef[]>();
  for (const e of tree.events) byKey.set(eventKey(e), [...(byKey.get(eventKey(e)) ?? []), e]);
  const out: Comparison = { captureEvents: capture.events.length, covered: 0, coverable: 0, matched: 0, mismatches: [], missing: [] };
  for (const c of capture.events) {
    if (c.system === 'syscalls' || c.system === 'ftrace') continue;
    out.coverable++;
    const t = pickX86(byKey.get(eventKey(c)) ?? []);
    if (!t || t.kind !== 'event') {
      out.missing.push(eventKey(c));
      continue;
    }
    out.covered++;
    const d = fieldDiff(t.fields, c.fields);
    if (d) out.mismatches.push({ event: eventKey(c), reason: d });
    else out.matched++;
  }
  return out;
}

export interface SyscallComparison {
  /** Capture syscall events (syscalls:sys_enter_* / sys_exit_*). */
  captureEvents: number;
  /** Of those, the ones the tree predicts. */
  found: number;
  /** Capture events the tree has no event for. */
  missing: string[];
  /** Fields of the found events, and those equal in name, type, offset, size and signedness. */
  fields: number;
  fieldsExact: number;
  /** Print formats (format string and arguments) of the found events, and the equal ones. */
  prints: number;
  printsExact: number;
  mismatches: Mismatch[];
}

/** The tree's predicted syscall events against a capture's, field by field and print format by print format. */
export function compareSyscallsToCapture(tree: Snapshot, capture: Snapshot): SyscallComparison {
  const byKey = new Map(tree.events.filter((e) => e.kind === 'syscall').map((e) => [eventKey(e), e]));
  const out: SyscallComparison = { captureEvents: 0, found: 0, missing: [], fields: 0, fieldsExact: 0, prints: 0, printsExact: 0, mismatches: [] };
  for (const c of capture.events) {
    if (c.kind !== 'syscall') continue;
    out.captureEvents++;
    const t = byKey.get(eventKey(c));
    if (!t) {
      out.missing.push(eventKey(c));
      continue;
    }
    out.found++;
    for (let i = 0; i < c.fields.length; i++) {
      out.fields++;
      if (fieldDiff(t.fields[i] ? [t.fields[i]!] : [], [c.fields[i]!]) === undefined) out.fieldsExact++;
    }
    const d = fieldDiff(t.fields, c.fields);
    if (d) out.mismatches.push({ event: eventKey(c), reason: d });
    out.prints++;
    if (JSON.stringify(t.print) === JSON.stringify(c.print)) out.printsExact++;
    else out.mismatches.push({ event: eventKey(c), reason: `print: tree ${JSON.stringify(t.print)} / capture ${JSON.stringify(c.print)}` });
  }
  return out;
}

export interface UnchangedFields {
  /** Covered events whose fields have the same names, type text and dynamic kind, in order, in both. */
  events: number;
  fields: number;
  /** Of those fields, the ones predicted exactly (size, offset, signedness, array length too). */
  exact: number;
  misses: string[];
}

/**
 * The prediction measured where the kernel did not change the fields: events declared with the same field names
 * and types in the tree and in the capture. What still differs there is either the prediction's fault or a
 * change the type text does not show (an array length constant, a typedef's definition).
 */
export function compareUnchangedFields(tree: Snapshot, capture: Snapshot, pick: (defs: EventDef[]) => EventDef | undefined = pickX86): UnchangedFields {
  const byKey = new Map<string, EventDef[]>();
  for (const e of tree.events) byKey.set(eventKey(e), [...(byKey.get(eventKey(e)) ?? []), e]);
  const out: UnchangedFields = { events: 0, fields: 0, exact: 0, misses: [] };
  for (const c of capture.events) {
    if (c.system === 'syscalls' || c.system === 'ftrace') continue;
    const t = pick(byKey.get(eventKey(c)) ?? []);
    if (!t || t.kind !== 'event' || t.fields.length !== c.fields.length) continue;
    if (!t.fields.every((f, i) => f.name === c.fields[i]!.name && f.type === c.fields[i]!.type && f.dynamic === c.fields[i]!.dynamic)) continue;
    out.events++;
    t.fields.forEach((f, i) => {
      out.fields++;
      const d = fieldDiff([f], [{ ...c.fields[i]! }]);
      if (d === undefined) out.exact++;
      else out.misses.push(`${eventKey(c)}: ${describe(f)} / ${describe(c.fields[i])}`);
    });
  }
  return out;
}
