/**
 * What a TP_printk reads: the fields it names (`REC->x`, `__get_str(x)`, `__get_dynamic_array(x)`, ...),
 * the conversions of its format string, and which argument feeds which conversion.
 */
import type { EventDef, Field } from '../model/snapshot.js';

const ACCESSOR = /\b__get_(?:rel_)?(?:str|dynamic_array|dynamic_array_len|bitmask|cpumask|sockaddr|sockaddr_len)\s*\(\s*([A-Za-z_]\w*)\s*\)/g;
const REC = /\b(?:REC|__entry)\s*->\s*([A-Za-z_]\w*)/g;

/** Field names an argument reads. */
export function fieldsReadBy(arg: string): string[] {
  const names = new Set<string>();
  for (const m of arg.matchAll(REC)) names.add(m[1]!);
  for (const m of arg.matchAll(ACCESSOR)) names.add(m[1]!);
  return [...names];
}

/** Every field name the print format reads, in order of first use. */
export function printedFields(ev: EventDef): string[] {
  const out = new Set<string>();
  for (const a of ev.print?.args ?? []) for (const n of fieldsReadBy(a)) out.add(n);
  return [...out];
}

/** The conversions of a printf format (`%d`, `%s`, `%px`, `%pS`, ...), `%%` excluded, `*` widths counted. */
export function conversions(fmt: string): { spec: string; consumes: number }[] {
  const out: { spec: string; consumes: number }[] = [];
  const re = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?([diouxXcsSpeEfgGaAn%])([A-Za-z]*)/g;
  for (const m of fmt.matchAll(re)) {
    if (m[5] === '%') continue;
    const stars = (m[2] === '*' ? 1 : 0) + (m[3] === '*' ? 1 : 0);
    // %p is followed by kernel extension letters (%pS, %px, %pI4...): keep them as part of the spec.
    const ext = m[5] === 'p' ? (/^[A-Za-z]+/.exec(m[6] ?? '')?.[0] ?? '') : '';
    out.push({ spec: `%${m[4] ?? ''}${m[5]}${ext}`, consumes: stars + 1 });
  }
  return out;
}

/** Pairs each conversion with the argument it prints (undefined past the end of the argument list). */
export function conversionArgs(ev: EventDef): { spec: string; arg: string | undefined }[] {
  if (!ev.print) return [];
  const out: { spec: string; arg: string | undefined }[] = [];
  let i = 0;
  for (const c of conversions(ev.print.fmt)) {
    i += c.consumes - 1;
    out.push({ spec: c.spec, arg: ev.print.args[i] });
    i++;
  }
  return out;
}

export function isPointerType(type: string): boolean {
  return type.endsWith('*');
}

/** A field that holds text the kernel can print with %s: char arrays, dynamic strings, `const char *` is NOT one (a pointer). */
export function isStringField(f: Field): boolean {
  return /^(?:const )?(?:unsigned )?char$/.test(f.type) && f.array !== undefined;
}

export function fieldByName(ev: EventDef, name: string): Field | undefined {
  return ev.fields.find((f) => f.name === name);
}
