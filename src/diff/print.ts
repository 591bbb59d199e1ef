/**
 * TP_printk comparison helpers: the symbol tables of `__print_symbolic`/`__print_flags` are compared on
 * their own (print-symbols-changed), the rest of the print arguments without them (print-format-changed).
 */
import type { PrintFormat } from '../model/snapshot.js';
import { matchingBracket, splitTopLevel, CTextError } from '../util/ctext.js';

const TABLE_CALLS: Record<string, number> = {
  // call name → index of the first table entry among its arguments
  __print_symbolic: 1,
  __print_symbolic_u64: 1,
  __print_flags: 2,
  __print_flags_u64: 2,
};
const TABLE_CALL_RE = /\b(__print_symbolic(?:_u64)?|__print_flags(?:_u64)?)\s*\(/g;

export interface SymbolTable {
  call: string;
  /** The value expression the table decodes (e.g. `REC->state`). */
  subject: string;
  entries: { value: string; name: string }[];
}

/** `0x0001`, `0x00000001` and `1` are one value: integer literals compare by value (written in hex). */
function canonicalNumbers(s: string): string {
  return s.replace(/\b(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)\b/g, (_m, digits: string, suffix: string) => {
    const v = BigInt(digits);
    return '0x' + v.toString(16) + suffix.toUpperCase();
  });
}

/** Folds whitespace outside string literals and writes integer literals one way, so layout-only differences vanish. */
export function normalizeExpr(s: string): string {
  return foldSpace(s)
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => (i % 2 === 1 ? part : canonicalNumbers(part)))
    .join('');
}

function foldSpace(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else if (/\s/.test(c)) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      const prev = out[out.length - 1] ?? '';
      const next = s[i] ?? '';
      if (/[A-Za-z0-9_]/.test(prev) && /[A-Za-z0-9_]/.test(next)) out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Extracts the symbol tables of every argument and returns the arguments with the tables blanked out. */
export function splitSymbolTables(args: string[]): { args: string[]; tables: SymbolTable[] } {
  const tables: SymbolTable[] = [];
  const stripped = args.map((arg) => stripTables(arg, tables));
  return { args: stripped, tables };
}

function stripTables(arg: string, tables: SymbolTable[]): string {
  let out = '';
  let from = 0;
  TABLE_CALL_RE.lastIndex = 0;
  for (let m = TABLE_CALL_RE.exec(arg); m; m = TABLE_CALL_RE.exec(arg)) {
    if (m.index < from) continue;
    const open = m.index + m[0].length - 1;
    let close: number;
    try {
      close = matchingBracket(arg, open);
    } catch (e) {
      if (e instanceof CTextError) break;
      throw e;
    }
    const call = m[1]!;
    let parts: string[];
    try {
      parts = splitTopLevel(arg.slice(open + 1, close));
    } catch (e) {
      // Text that does not split (only a hand-edited snapshot can hold it) is compared as written.
      if (e instanceof CTextError) break;
      throw e;
    }
    const first = TABLE_CALLS[call]!;
    // The subject itself may hold a table (nested calls): strip those first, once (stripping the subject twice
    // doubled the work at every nesting level: 20 nested calls took 14 s, a few more ran out of memory).
    const head = parts.slice(0, first).map((h) => stripTables(h, tables));
    const subject = normalizeExpr(head[0] ?? '');
    const entries = parts.slice(first).map(parseEntry).filter((e) => e !== undefined);
    tables.push({ call, subject, entries });
    out += arg.slice(from, m.index) + `${call}(${head.join(', ')}, {…})`;
    from = close + 1;
    TABLE_CALL_RE.lastIndex = from;
  }
  return out + arg.slice(from);
}

function parseEntry(text: string): { value: string; name: string } | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  let value: string | undefined;
  let name: string | undefined;
  try {
    [value, name] = splitTopLevel(t.slice(1, -1));
  } catch (e) {
    if (e instanceof CTextError) return undefined;
    throw e;
  }
  if (value === undefined || name === undefined) return undefined;
  return { value: normalizeExpr(value), name: name.trim().replace(/^"(.*)"$/s, '$1') };
}

export interface PrintView {
  fmt: string;
  args: string[];
  tables: SymbolTable[];
}

export function viewPrint(p: PrintFormat | undefined): PrintView | undefined {
  if (!p) return undefined;
  const { args, tables } = splitSymbolTables(p.args);
  return { fmt: p.fmt, args: args.map(normalizeExpr), tables };
}
