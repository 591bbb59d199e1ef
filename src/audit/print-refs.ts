/**
 * What a TP_printk reads: the fields it names (`REC->x`, `__get_str(x)`, `__get_dynamic_array(x)`, ...),
 * the conversions of its format string, and which argument feeds which conversion.
 */
import type { EventDef, Field, PrintFormat } from '../model/snapshot.js';

const ACCESSOR = /\b__get_(?:rel_)?(?:str|dynamic_array|dynamic_array_len|bitmask|cpumask|sockaddr|sockaddr_len)\s*\(\s*([A-Za-z_]\w*)\s*\)/g;
const REC = /\b(?:REC|__entry)\s*->\s*([A-Za-z_]\w*)/g;

/** Field names an argument reads. */
export function fieldsReadBy(arg: string): string[] {
  const names = new Set<string>();
  for (const m of arg.matchAll(REC)) names.add(m[1]!);
  for (const m of arg.matchAll(ACCESSOR)) names.add(m[1]!);
  return [...names];
}

/**
 * Answers about one print, kept while the print is: several rules ask the same questions of each event, and
 * a whole tree's prints (symbol tables of hundreds of entries among them) are worth reading once.
 */
const printedFieldsOf = new WeakMap<PrintFormat, readonly string[]>();
const conversionArgsOf = new WeakMap<PrintFormat, readonly ConversionArg[]>();

/** Every field name the print format reads, in order of first use. Shared between callers: never change it. */
export function printedFields(ev: EventDef): readonly string[] {
  if (!ev.print) return [];
  let names = printedFieldsOf.get(ev.print);
  if (names === undefined) {
    const out = new Set<string>();
    for (const a of ev.print.args) for (const n of fieldsReadBy(a)) out.add(n);
    names = [...out];
    printedFieldsOf.set(ev.print, names);
  }
  return names;
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

export interface ConversionArg {
  spec: string;
  arg: string | undefined;
}

/**
 * Pairs each conversion with the argument it prints (undefined past the end of the argument list). Shared
 * between callers: never change it.
 */
export function conversionArgs(ev: EventDef): readonly ConversionArg[] {
  if (!ev.print) return [];
  let pairs = conversionArgsOf.get(ev.print);
  if (pairs === undefined) {
    const out: ConversionArg[] = [];
    let i = 0;
    for (const c of conversions(ev.print.fmt)) {
      i += c.consumes - 1;
      out.push({ spec: c.spec, arg: ev.print.args[i] });
      i++;
    }
    pairs = out;
    conversionArgsOf.set(ev.print, pairs);
  }
  return pairs;
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
