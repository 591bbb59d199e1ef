/**
 * Reading a definition form's arguments: TP_PROTO into parameters, TP_STRUCT__entry into field macros,
 * TP_fast_assign into constant stores, written fields and a digest, TP_printk into a format and its
 * arguments; and a class body (DECLARE_EVENT_CLASS, TRACE_EVENT) from the positions ./forms.ts gives.
 */
import { createHash } from 'node:crypto';
import type { ProtoArg, PrintFormat } from '../../model/snapshot.js';
import { matchingBracket, readStringLiterals, splitTopLevel } from '../../util/ctext.js';
import { FIELD_MACROS, type FieldSpec } from './layout.js';
import type { Form } from './forms.js';

/** A DECLARE_EVENT_CLASS body (or a TRACE_EVENT's own body). */
export interface ClassBody {
  name: string;
  file: string;
  line: number;
  proto?: ProtoArg[];
  fields: FieldSpec[];
  fieldProblems: string[];
  assign: Record<string, string>;
  /** Names TP_fast_assign writes or touches; undefined when a helper gets the whole `__entry` (unknown). */
  writes?: string[];
  /** Digest of the whitespace-normalised TP_fast_assign body (duplicate-event-body). */
  assignDigest: string;
  print?: PrintFormat;
}

/** Runs of white space as one space, trimmed. */
export const collapseSpace = (s: string): string => s.replace(/\s+/g, ' ').trim();
const ws = collapseSpace;

/** `TP_PROTO(x)` → `x`; text that is not wrapped in `name(...)` is returned as is. */
export function unwrap(arg: string, names?: string[]): string {
  const m = /^\s*([A-Za-z_]\w*)\s*\(/.exec(arg);
  if (!m || (names && !names.includes(m[1]!))) return arg.trim();
  const open = m[0].length - 1;
  try {
    if (matchingBracket(arg, open) === arg.trimEnd().length - 1) return arg.slice(open + 1, arg.trimEnd().length - 1).trim();
  } catch {
    /* not wrapped */
  }
  return arg.trim();
}

export function parseProto(text: string): ProtoArg[] {
  const inner = unwrap(text, ['TP_PROTO', 'PARAMS']);
  if (inner === '' || inner === 'void') return [];
  return splitTopLevel(inner).map((p) => {
    const d = splitDeclarator(p);
    if (!d || d.prefix.trim() === '') return { type: ws(p), name: '' };
    return { type: ws(d.prefix + (d.arrays ? ' ' + d.arrays : '')), name: d.name };
  });
}

const isSpace = (c: string): boolean => /\s/.test(c);
const isWord = (c: string | undefined): boolean => c !== undefined && /\w/.test(c);

/**
 * `const char *name[4][N]` → prefix `const char *`, name `name`, arrays `[4][N]`; undefined when no name ends
 * the declaration. The same split as `^(.*?)([A-Za-z_]\w*)\s*((?:\[[^\]]*\]\s*)*)$`, in two linear passes:
 * that regex is quadratic on a long identifier (48,000 characters took 10 s).
 */
export function splitDeclarator(p: string): { prefix: string; name: string; arrays: string } | undefined {
  const n = p.length;
  // tail[k]: p.slice(k) is whitespace and [..] groups up to the end (a group closes at its first ']').
  const tail = new Uint8Array(n + 1);
  // wordEnd[k]: where the \w run holding k ends (0 when p[k] is not a word character).
  const wordEnd = new Uint32Array(n + 1);
  tail[n] = 1;
  let nextClose = -1;
  for (let k = n - 1; k >= 0; k--) {
    const c = p[k]!;
    if (c === '[') tail[k] = nextClose >= 0 ? tail[nextClose + 1]! : 0;
    else if (isSpace(c)) tail[k] = tail[k + 1]!;
    else if (c === ']') nextClose = k;
    if (isWord(c)) wordEnd[k] = isWord(p[k + 1]) ? wordEnd[k + 1]! : k + 1;
  }
  // The regex's lazy prefix: the first position that starts a name whose word is followed by the tail.
  for (let s = 0; s < n; s++) {
    const c = p[s]!;
    const startsName = c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (startsName && tail[wordEnd[s]!]) {
      const e = wordEnd[s]!;
      return { prefix: p.slice(0, s), name: p.slice(s, e), arrays: p.slice(e).trim() };
    }
  }
  return undefined;
}

const CONST_VALUE = /^(?:-?\s*(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*|true|false|NULL|'(?:\\.|[^'])')$/;

export function parseAssign(text: string): Record<string, string> {
  const inner = unwrap(text, ['TP_fast_assign']);
  const seen = new Map<string, Set<string>>();
  // `__entry` is #defined to `entry` in the generated code, so some headers write `entry->x`; `==` compares.
  for (const m of inner.matchAll(/\b(?:__)?entry\s*->\s*(\w+)\s*(=(?!=)|\+=|-=|\|=|&=|\+\+|--)\s*([^;{}]*)[;{}]/g)) {
    const v = m[2] === '=' ? ws(m[3]!) : '?';
    const s = seen.get(m[1]!) ?? new Set();
    s.add(CONST_VALUE.test(v) ? v : '?');
    seen.set(m[1]!, s);
  }
  // Stores through other forms (memcpy(__entry->x, ...), __assign_str(x), &__entry->x) make it non-constant.
  for (const m of inner.matchAll(/(?:&\s*(?:__)?entry\s*->\s*|\b(?:__)?entry\s*->\s*)(\w+)(?!\s*(?:=[^=]|\+=|-=))/g)) {
    if (/&\s*(?:__)?entry|\(\s*(?:__)?entry/.test(inner.slice(Math.max(0, m.index - 2), m.index + 9))) seen.get(m[1]!)?.add('?');
  }
  // A store inside a conditional branch is not "always": a constant only counts when it is not under an if/else/?:.
  for (const [k, vs] of seen) {
    if (vs.has('?')) continue;
    const stores = [...inner.matchAll(new RegExp(`\\b(?:__)?entry\\s*->\\s*${k}\\s*=(?!=)`, 'g'))];
    if (stores.some((m) => /\b(?:if|else|switch|case)\b|\?/.test(inner.slice(Math.max(0, inner.lastIndexOf(';', m.index) + 1), m.index)))) vs.add('?');
  }
  const out: Record<string, string> = {};
  for (const [k, vs] of seen) if (vs.size === 1 && !vs.has('?')) out[k] = [...vs][0]!;
  return out;
}

/**
 * The field names TP_fast_assign writes: `__entry->x` (any use: precision over recall, a read in the body
 * is taken as a write rather than risk calling a field unassigned), `__assign_str(x)`, `__assign_bitmask(x, …)`,
 * `__get_dynamic_array(x)` as a destination and the like. A body that hands the whole `__entry` to a helper
 * (`TP_STORE_ADDRS(__entry, …)`) may write anything: undefined.
 */
export function parseWrites(text: string): string[] | undefined {
  const inner = unwrap(text, ['TP_fast_assign']);
  if (/\b(?:__)?entry\b(?!\s*->)/.test(inner)) return undefined;
  const names = new Set<string>();
  for (const m of inner.matchAll(/\b(?:__)?entry\s*->\s*(\w+)/g)) names.add(m[1]!);
  for (const m of inner.matchAll(/\b__(?:assign|get)_(?:rel_)?\w+\s*\(\s*(\w+)/g)) names.add(m[1]!);
  return [...names].sort();
}

export function assignDigest(text: string): string {
  return createHash('sha256').update(ws(unwrap(text, ['TP_fast_assign']))).digest('hex').slice(0, 16);
}

export function parsePrint(text: string): PrintFormat | undefined {
  const inner = stringifyLeading(unwrap(text, ['TP_printk']));
  const lit = readStringLiterals(inner, 0);
  if (!lit) return undefined;
  const rest = inner.slice(lit.end).trim();
  const args = rest.startsWith(',') ? splitTopLevel(rest.slice(1)) : [];
  return { fmt: lit.text, args: args.map((a) => ws(a.replace(/__entry\s*->\s*/g, 'REC->'))) };
}

/**
 * `__stringify(X) " text"` at the start of a format (7.x rv_retries_error) as the preprocessor leaves it:
 * `"X" " text"`. X is whatever the unit's macros expanded it to; a constant of a header the unit does not
 * read stays its name.
 */
function stringifyLeading(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const lit = readStringLiterals(s, i);
    if (lit) {
      out += s.slice(i, lit.end);
      i = lit.end;
      continue;
    }
    const m = /^\s*__stringify\s*\(([^()"]*)\)/.exec(s.slice(i));
    if (!m) break;
    out += ` "${ws(m[1]!).replace(/\\/g, '\\\\')}"`;
    i += m[0].length;
  }
  return i === 0 ? s : out + s.slice(i);
}

/** Field macro invocations in a TP_STRUCT__entry body. */
export function parseFieldList(text: string, firstLine: number): { fields: FieldSpec[]; problems: string[] } {
  // Keep the newlines before the list so that each field gets its own line.
  let inner = text;
  const m0 = /^\s*TP_STRUCT__entry\s*\(/.exec(text);
  if (m0) {
    const close = matchingBracket(text, m0[0].length - 1);
    inner = text.slice(m0[0].length, close);
    firstLine += (m0[0].match(/\n/g) ?? []).length;
  }
  const fields: FieldSpec[] = [];
  const problems: string[] = [];
  let i = 0;
  let line = firstLine;
  const re = /[A-Za-z_]\w*/y;
  while (i < inner.length) {
    const c = inner[i]!;
    if (c === '\n') line++;
    if (/[\s;,]/.test(c)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(inner);
    if (!m) {
      problems.push(`unexpected '${c}' in TP_STRUCT__entry`);
      break;
    }
    let k = i + m[0].length;
    while (k < inner.length && /\s/.test(inner[k]!)) k++;
    if (inner[k] !== '(') {
      problems.push(`'${m[0]}' in TP_STRUCT__entry is not a field macro`);
      i = k;
      continue;
    }
    const close = matchingBracket(inner, k);
    const args = splitTopLevel(inner.slice(k + 1, close));
    if (!FIELD_MACROS.has(m[0])) problems.push(`unknown field macro ${m[0]}`);
    else fields.push({ macro: m[0], args, line });
    line += (inner.slice(i, close + 1).match(/\n/g) ?? []).length;
    i = close + 1;
  }
  return { fields, problems };
}

/**
 * The body of a class-like form (`event`, `class`) from its arguments; `problems` are messages for the
 * definition's line (the field list's, and an unreadable TP_printk).
 */
export function readClassBody(name: string, args: string[], form: Form, file: string, line: number, structLine: number): { body: ClassBody; problems: string[] } {
  const fl = parseFieldList(args[form.struct!]!, structLine);
  const body: ClassBody = { name, file, line, proto: parseProto(args[form.proto]!), fields: fl.fields, fieldProblems: fl.problems, assign: parseAssign(args[form.assign!]!), assignDigest: assignDigest(args[form.assign!]!) };
  const writes = parseWrites(args[form.assign!]!);
  if (writes) body.writes = writes;
  const p = parsePrint(args[form.print!]!);
  if (p) body.print = p;
  else body.fieldProblems.push('cannot read TP_printk');
  // fieldProblems is the field list's array: it holds the TP_printk message too, which is then also said on its own.
  const problems = [...fl.problems];
  if (!p) problems.push('cannot read TP_printk');
  return { body, problems };
}
