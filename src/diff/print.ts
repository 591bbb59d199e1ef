/**
 * TP_printk comparison helpers: the symbol tables of `__print_symbolic`/`__print_flags` are compared on
 * their own (print-symbols-changed), the rest of the print arguments without them (print-format-changed).
 */
import type { PrintFormat } from '../model/snapshot.js';
import { matchingBracket, splitTopLevel, CTextError } from '../util/ctext.js';
import { isWordCode } from '../util/chars.js';

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
  if (!/\d/.test(s)) return s;
  return s.replace(/\b(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)\b/g, (_m, digits: string, suffix: string) => {
    const v = BigInt(digits);
    return '0x' + v.toString(16) + suffix.toUpperCase();
  });
}

/**
 * Results of normalizeExpr by input. Print arguments repeat a lot (every event of a class prints the same
 * way, `REC->field` shapes recur): a diff of two whole trees normalizes the same strings many times over.
 * Bounded so that a long-lived process (tests, fuzzing) does not grow without end.
 */
const normalized = new Map<string, string>();
const MEMO_LIMIT = 50_000;

/** Folds whitespace outside string literals and writes integer literals one way, so layout-only differences vanish. */
export function normalizeExpr(s: string): string {
  let out = normalized.get(s);
  if (out === undefined) {
    const folded = foldSpace(s);
    out = folded.includes('"') || folded.includes("'")
      ? folded
          .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
          .map((part, i) => (i % 2 === 1 ? part : canonicalNumbers(part)))
          .join('')
      : canonicalNumbers(folded);
    if (normalized.size >= MEMO_LIMIT) normalized.clear();
    normalized.set(s, out);
  }
  return out;
}

/** `/\s/` without a regular expression per character (ASCII first; anything else asks the regex). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(String.fromCharCode(c));
}

function foldSpace(s: string): string {
  let out = '';
  let i = 0;
  let runStart = 0; // start of the text copied unchanged since the last fold
  // The last character of `out`, kept here: reading it from a string built with += flattens the string every
  // time (quadratic: a 190 KB print argument took 4 s; found by fuzz:long).
  let prev = -1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < s.length && s.charCodeAt(j) !== c) j += s.charCodeAt(j) === 92 /* \\ */ ? 2 : 1;
      i = Math.min(j + 1, s.length);
    } else if (isSpace(c)) {
      out += s.slice(runStart, i);
      if (i > runStart) prev = s.charCodeAt(i - 1);
      while (i < s.length && isSpace(s.charCodeAt(i))) i++;
      const next = i < s.length ? s.charCodeAt(i) : -1;
      if (isWordCode(prev) && isWordCode(next)) {
        out += ' ';
        prev = 32;
      }
      runStart = i;
    } else {
      i++;
    }
  }
  return out + s.slice(runStart);
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

/** Whether two prints are written the same (then no view of them can differ: the print rules skip them unread). */
export function samePrint(a: PrintFormat | undefined, b: PrintFormat | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.fmt !== b.fmt || a.args.length !== b.args.length) return false;
  return a.args.every((x, i) => x === b.args[i]);
}

/**
 * viewPrint results by print object: the print rules view the same pair. (A memo by content, keyed by the
 * print's JSON, cost more than it saved: building and hashing those keys was a third of all viewing.)
 */
const views = new WeakMap<PrintFormat, PrintView>();

/**
 * One argument as the rules compare it, by its text. Different prints share arguments far more than they
 * share whole prints: the 6.1 and 6.12 trees hold 60,433 print arguments, 6,232 of them distinct, and 3,805
 * symbol-table arguments, 648 distinct (the same flag tables printed by many events).
 */
const argViews = new Map<string, { arg: string; tables: SymbolTable[] }>();

function viewArg(arg: string): { arg: string; tables: SymbolTable[] } {
  let v = argViews.get(arg);
  if (v === undefined) {
    const { args: [stripped], tables } = splitSymbolTables([arg]);
    v = { arg: normalizeExpr(stripped!), tables };
    if (argViews.size >= MEMO_LIMIT) argViews.clear();
    argViews.set(arg, v);
  }
  return v;
}

/** The print as the rules compare it. The result is shared between callers: read it, never change it. */
export function viewPrint(p: PrintFormat | undefined): PrintView | undefined {
  if (!p) return undefined;
  let v = views.get(p);
  if (v === undefined) {
    // Tables in argument order, as splitSymbolTables lists them.
    const parts = p.args.map(viewArg);
    v = { fmt: p.fmt, args: parts.map((a) => a.arg), tables: parts.flatMap((a) => a.tables) };
    views.set(p, v);
  }
  return v;
}
