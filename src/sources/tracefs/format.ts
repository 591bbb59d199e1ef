/**
 * The tracefs `format` file reader (pure: text in, data out). Reads every form real kernels print, from
 * 3.4's `common_padding` to 6.x's `__rel_loc`, tabs or spaces, with or without `signed:`.
 */
import type { DynamicKind, Field, PrintFormat } from '../../model/snapshot.js';
import { InputError } from '../../errors.js';
import { CTextError, matchingBracket, readStringLiterals, splitTopLevel } from '../../util/ctext.js';
import { evaluateLength } from '../../util/cexpr.js';
import { isDigitCode, isWordCode } from '../../util/chars.js';

export interface ParsedFormat {
  name: string;
  id?: number;
  /** Every field in order, `common_*` included. */
  fields: Field[];
  print?: PrintFormat;
}

const FIELD_LINE = /^\s*field:\s*(.+?);\s*offset:\s*(-?\d+);\s*size:\s*(-?\d+);(?:\s*signed:\s*(-?\d+);)?\s*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Event names are identifiers, but not always C ones (`9p:9p_client_req`, kprobe names with dots). */
const EVENT_NAME = /^[\w.-]+$/;
/** Bytes one record may hold at most (a page); anything larger is a corrupt file, not a kernel. */
const MAX_RECORD_BYTES = 1 << 20;

/** Splits `TYPE NAME[LEN]`, `__data_loc TYPE[] NAME` and friends into their parts. */
export function parseFieldDeclaration(decl: string): Pick<Field, 'name' | 'type' | 'array' | 'dynamic'> | undefined {
  let text = decl.trim();
  let dynamic: DynamicKind | undefined;
  const loc = /^__(data_loc|rel_loc)\s+/.exec(text);
  if (loc) {
    dynamic = loc[1] as DynamicKind;
    text = text.slice(loc[0].length);
  }
  let array: number | string | undefined;
  if (dynamic) {
    // `__data_loc char[] name`: the brackets belong to the type.
    // (Read by hand, not with /^(.*?)\s*\[\s*\]\s*(ident)$/: that regex is quadratic on long runs of spaces.)
    const name = trailingIdentifier(text);
    const before = text.slice(0, text.length - name.length).trimEnd();
    if (name !== '' && before.endsWith(']') && before.slice(0, -1).trimEnd().endsWith('[')) {
      array = '[]';
      text = `${before.slice(0, -1).trimEnd().slice(0, -1).trimEnd()} ${name}`;
    }
  } else if (text.endsWith(']')) {
    const open = findOpeningBracket(text);
    if (open < 0) return undefined;
    const inner = text.slice(open + 1, -1).trim();
    array = inner === '' ? '[]' : (evaluateLength(inner) ?? inner);
    text = text.slice(0, open).trimEnd();
  }
  const name = trailingIdentifier(text);
  if (!IDENT.test(name)) return undefined;
  const type = text.slice(0, text.length - name.length).trim();
  if (type === '') return undefined;
  const out: Pick<Field, 'name' | 'type' | 'array' | 'dynamic'> = { name, type };
  if (array !== undefined) out.array = array;
  if (dynamic) out.dynamic = dynamic;
  return out;
}

/** The identifier `text` ends with (`''` when none): the trailing run of word characters, leading digits dropped. */
function trailingIdentifier(text: string): string {
  let i = text.length;
  while (i > 0 && isWordCode(text.charCodeAt(i - 1))) i--;
  while (i < text.length && isDigitCode(text.charCodeAt(i))) i++;
  return text.slice(i);
}


function findOpeningBracket(text: string): number {
  // Array lengths can hold brackets themselves (`[(int)sizeof(x[0])]`): find the '[' whose match is the end.
  // One pass with a stack finds the candidate; matchingBracket (which knows literals and comments) confirms it.
  const stack: number[] = [];
  let candidate = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '[' || c === '(' || c === '{') stack.push(i);
    else if (c === ']' || c === ')' || c === '}') {
      const open = stack.pop();
      if (open === undefined) break;
      if (i === text.length - 1 && text[open] === '[') candidate = open;
    }
  }
  try {
    if (candidate >= 0 && matchingBracket(text, candidate) === text.length - 1) return candidate;
  } catch {
    /* not this one */
  }
  // Literals or comments holding brackets: try every '[' (quadratic, so only on text of a sane length).
  if (text.length > 2048) return -1;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    try {
      if (matchingBracket(text, i) === text.length - 1) return i;
    } catch {
      /* not this one */
    }
  }
  return -1;
}

/** Reads `print fmt: "..." , args` (the text after `print fmt:`). */
export function parsePrintFormat(text: string): PrintFormat | undefined {
  const lit = readStringLiterals(text, 0);
  if (!lit) return undefined;
  const rest = text.slice(lit.end).trim();
  if (rest === '') return { fmt: lit.text, args: [] };
  if (rest.startsWith(',')) return { fmt: lit.text, args: splitTopLevel(rest.slice(1)) };
  return parseUnescapedPrintFormat(text);
}

/**
 * The kernel prints the format string without re-escaping it, so `"err=\"%s\""` in source reads
 * `"err="%s""` in tracefs. The string then ends at the first quote after which the rest is an argument list.
 */
function parseUnescapedPrintFormat(text: string): PrintFormat | undefined {
  const start = text.indexOf('"');
  for (let q = text.indexOf('"', start + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    const rest = text.slice(q + 1).trim();
    if (rest === '') return { fmt: text.slice(start + 1, q), args: [] };
    if (!rest.startsWith(',')) continue;
    try {
      return { fmt: text.slice(start + 1, q), args: splitTopLevel(rest.slice(1)) };
    } catch (e) {
      if (!(e instanceof CTextError)) throw e;
    }
  }
  return undefined;
}

/**
 * Parses one format file. `file` names it in errors. Throws InputError naming the line for anything
 * that is not a format file; never returns a partial result.
 */
export function parseFormat(text: string, file: string): ParsedFormat {
  if (text.includes('\0')) throw new InputError(file, 'binary data (NUL byte) in a format file');
  const lines = text.split('\n');
  let name: string | undefined;
  let id: number | undefined;
  let sawFormat = false;
  const fields: Field[] = [];
  let print: PrintFormat | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    if (line.startsWith('name:')) {
      name = line.slice(5).trim();
      if (!EVENT_NAME.test(name)) throw new InputError(file, `bad event name '${name}'`, lineNo);
    } else if (line.startsWith('ID:')) {
      const v = line.slice(3).trim();
      if (!/^\d{1,9}$/.test(v)) throw new InputError(file, `bad event ID '${v}'`, lineNo);
      id = Number(v);
    } else if (/^format:\s*$/.test(line)) {
      sawFormat = true;
    } else if (/^\s*field/.test(line)) {
      fields.push(parseFieldLine(line, file, lineNo));
    } else if (line.startsWith('print fmt:')) {
      // The print format runs to the end of the file: real ones hold literal newlines.
      const rest = lines.slice(i).join('\n').slice('print fmt:'.length).trim();
      try {
        print = parsePrintFormat(rest);
      } catch (e) {
        if (e instanceof CTextError) throw new InputError(file, `unreadable print fmt: ${e.message}`, lineNo);
        throw e;
      }
      if (!print) throw new InputError(file, 'print fmt does not start with a string literal', lineNo);
      break;
    } else {
      throw new InputError(file, `unexpected line '${truncate(line.trim())}'`, lineNo);
    }
  }
  if (name === undefined) throw new InputError(file, "not a format file (no 'name:' line)");
  if (!sawFormat) throw new InputError(file, "not a format file (no 'format:' line)");
  const out: ParsedFormat = { name, fields };
  if (id !== undefined) out.id = id;
  if (print) out.print = print;
  return out;
}

export function parseFieldLine(line: string, file: string, lineNo: number): Field {
  const m = FIELD_LINE.exec(line);
  if (!m) throw new InputError(file, `malformed field line '${truncate(line.trim())}'`, lineNo);
  const decl = parseFieldDeclaration(m[1]!);
  if (!decl) throw new InputError(file, `cannot read field declaration '${truncate(m[1]!)}'`, lineNo);
  const offset = Number(m[2]);
  const size = Number(m[3]);
  if (offset < 0 || offset > MAX_RECORD_BYTES) throw new InputError(file, `field ${decl.name}: offset ${m[2]} out of range`, lineNo);
  if (size < 0 || size > MAX_RECORD_BYTES) throw new InputError(file, `field ${decl.name}: size ${m[3]} out of range`, lineNo);
  // Built key by key: an object spread here cost three times the rest of the line's parsing (V8 clones
  // through a slow path for these differently shaped declarations).
  const field: Field = { name: decl.name, type: decl.type };
  if (decl.array !== undefined) field.array = decl.array;
  if (decl.dynamic !== undefined) field.dynamic = decl.dynamic;
  field.size = size;
  field.offset = offset;
  if (m[4] !== undefined) {
    if (m[4] !== '0' && m[4] !== '1') throw new InputError(file, `field ${decl.name}: signed:${m[4]} is not 0 or 1`, lineNo);
    field.signed = m[4] === '1';
  }
  return field;
}

function truncate(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
