/**
 * The top level of a BPF C file (`*.bpf.c`, samples' `*_kern.c`): function definitions with their `SEC("...")`
 * and parameters (including `BPF_PROG(name, type a, ...)`), and the structs it defines itself. This is a
 * scanner over comment-stripped text, not a C parser: BPF programs are macro-heavy (SEC, BPF_PROG, __always_inline)
 * and only their top-level shape matters here.
 */
import { lineIndex } from '../../util/lines.js';
import { CTextError, matchingBracket, splitTopLevel, stripComments } from '../../util/ctext.js';

export interface Param {
  type: string;
  name: string;
}

export interface CFunction {
  name: string;
  /** The SEC("...") string, for programs. */
  section?: string;
  /** The declaring macro when the header is one (`BPF_PROG`, `BPF_KPROBE`, ...). */
  macro?: string;
  params: Param[];
  /** Offsets in the file text of the body's braces. */
  bodyStart: number;
  bodyEnd: number;
  line: number;
}

export interface CStructMember {
  type: string;
  name: string;
  /** Array length expression, when an array. */
  array?: string;
}

export interface CStruct {
  name: string;
  members: CStructMember[];
  /** `__attribute__((preserve_access_index))`: CO-RE relocated, offsets come from the kernel. */
  coRe: boolean;
  line: number;
}

export interface CFile {
  /** Comment-stripped text, preprocessor lines blanked (newlines kept, so offsets map to lines). */
  text: string;
  functions: CFunction[];
  structs: CStruct[];
  problems: { line: number; message: string }[];
  lineOf(offset: number): number;
}

const blank = (m: string) => m.replace(/[^\n\u0000]/g, ' ');

/**
 * Blanks preprocessor directives (with their continuation lines), keeping newlines, and the dead branch of
 * `#if 0` / `#if 1` blocks (other conditions keep both branches: their uses are all recorded).
 */
function blankDirectives(s: string): string {
  const lines = s.replace(/^[ \t]*#(?:[^\n]*\\\n)*[^\n]*/gm, (m) => m.replace(/\\\n/g, ' \u0000')).split('\n');
  // Each open conditional: whether its current branch is dead because of a literal 0/1.
  const stack: { literal: boolean; live: boolean }[] = [];
  const dead = () => stack.some((c) => c.literal && !c.live);
  const out = lines.map((line) => {
    const d = /^[ \t]*#\s*(\w+)\s*(.*)$/.exec(line);
    if (d) {
      const [, kw, rest] = d;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        const lit = kw === 'if' ? /^([01])\s*$/.exec(rest!.trim()) : null;
        stack.push(lit ? { literal: true, live: lit[1] === '1' } : { literal: false, live: true });
      } else if (kw === 'else' || kw === 'elif') {
        const top = stack[stack.length - 1];
        if (top?.literal) top.live = kw === 'else' ? !top.live : false;
      } else if (kw === 'endif') stack.pop();
      return blank(line);
    }
    return dead() ? blank(line) : line;
  });
  return out.join('\n').replace(/\u0000/g, '\n');
}


/** `struct trace_event_raw_x *ctx` → {type: 'struct trace_event_raw_x *', name: 'ctx'}. */
export function splitParam(p: string): Param | undefined {
  const t = p.replace(/\s+/g, ' ').trim();
  if (t === '' || t === 'void' || t === '...') return undefined;
  const m = /^(.*?)([A-Za-z_]\w*)\s*((?:\[[^\]]*\])*)$/.exec(t);
  if (!m || m[1]!.trim() === '') return { type: t, name: '' };
  return { type: (m[1]!.trim() + (m[3] ? ` ${m[3]}` : '')).replace(/\s*\*\s*/g, ' *').trim(), name: m[2]! };
}

const SEC_RE = /\bSEC\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/;

export function parseCFile(source: string): CFile {
  const problems: CFile['problems'] = [];
  let stripped: string;
  try {
    stripped = stripComments(source);
  } catch (e) {
    if (!(e instanceof CTextError)) throw e;
    // Read what comes before an unterminated comment or string.
    problems.push({ line: lineIndex(source)(e.offset), message: `${e.message}: the rest of the file is not read` });
    stripped = stripComments(source.slice(0, e.offset));
  }
  const text = blankDirectives(stripped);
  const lineOf = lineIndex(text);
  const functions: CFunction[] = [];
  const structs: CStruct[] = [];
  let declStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === ';') {
      declStart = i + 1;
      i++;
      continue;
    }
    if (c === '(' || c === '[') {
      try {
        i = matchingBracket(text, i) + 1;
      } catch (e) {
        if (!(e instanceof CTextError)) throw e;
        problems.push({ line: lineOf(i), message: `unbalanced '${c}': the rest of the file is not read` });
        break;
      }
      continue;
    }
    if (c !== '{') {
      i++;
      continue;
    }
    let end: number;
    try {
      end = matchingBracket(text, i);
    } catch (e) {
      if (!(e instanceof CTextError)) throw e;
      problems.push({ line: lineOf(i), message: `unbalanced '{': the rest of the file is not read` });
      break;
    }
    const header = text.slice(declStart, i);
    const fn = header.trimEnd().endsWith(')') ? parseHeader(header) : undefined;
    if (fn) {
      const { nameAt, ...rest } = fn;
      functions.push({ ...rest, bodyStart: i, bodyEnd: end, line: lineOf(declStart + nameAt) });
      declStart = end + 1;
    } else {
      const st = /\bstruct\s+([A-Za-z_]\w*)\s*$/.exec(header.replace(/__attribute__\s*\(\([^)]*\)\)/g, ' '));
      if (st && !/=/.test(header)) structs.push(parseStruct(st[1]!, text.slice(i + 1, end), text.slice(end + 1, end + 200), lineOf(i)));
      // An initializer, a struct or enum definition: the declaration goes on to its ';'.
    }
    i = end + 1;
  }
  return { text, functions, structs, problems, lineOf };
}

function skipLiteral(s: string, i: number): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] === '\\') j++;
    if (s[j] === '\n') return j;
    j++;
  }
  return j + 1;
}

const PROG_MACROS = /^(BPF_PROG2?|BPF_KPROBE|BPF_KRETPROBE|BPF_KSYSCALL|BPF_KPROBE_SYSCALL|BPF_UPROBE|BPF_URETPROBE|BPF_USDT)$/;

type Header = Omit<CFunction, 'bodyStart' | 'bodyEnd' | 'line'> & { nameAt: number };

function parseHeader(header: string): Header | undefined {
  const sec = SEC_RE.exec(header);
  // Blanked to the same length, so that offsets in `h` are offsets in the header.
  const h = header.replace(SEC_RE, (m) => ' '.repeat(m.length)).trimEnd();
  // The parameter list: the last top-level (...) group.
  let depth = 0;
  let open = -1;
  for (let k = h.length - 1; k >= 0; k--) {
    if (h[k] === ')') depth++;
    else if (h[k] === '(') {
      depth--;
      if (depth === 0) {
        open = k;
        break;
      }
    }
  }
  if (open < 0) return undefined;
  const ident = /([A-Za-z_]\w*)\s*$/.exec(h.slice(0, open));
  if (!ident) return undefined;
  const inner = h.slice(open + 1, h.length - 1);
  let args: string[];
  try {
    args = splitTopLevel(inner);
  } catch (e) {
    if (e instanceof CTextError) return undefined;
    throw e;
  }
  const out: Header = { name: ident[1]!, params: [], nameAt: ident.index };
  if (PROG_MACROS.test(ident[1]!)) {
    out.macro = ident[1]!;
    out.name = (args[0] ?? '').trim();
    // BPF_PROG2(name, type, arg, type, arg): pairs.
    if (out.macro === 'BPF_PROG2') {
      for (let k = 1; k + 1 < args.length; k += 2) out.params.push({ type: args[k]!.trim(), name: args[k + 1]!.trim() });
    } else {
      for (const a of args.slice(1)) {
        const p = splitParam(a);
        if (p) out.params.push(p);
      }
    }
  } else {
    for (const a of args) {
      const p = splitParam(a);
      if (p) out.params.push(p);
    }
  }
  if (sec) out.section = sec[1]!;
  return out;
}

function parseStruct(name: string, body: string, after: string, line: number): CStruct {
  const members: CStructMember[] = [];
  for (const decl of body.split(';')) {
    const d = decl.replace(/\s+/g, ' ').trim();
    if (d === '' || /[{}()]/.test(d)) continue;
    let parts: string[];
    try {
      parts = splitTopLevel(d);
    } catch (e) {
      if (e instanceof CTextError) continue;
      throw e;
    }
    for (const [k, part] of parts.entries()) {
      // `int a, b;`: the first piece carries the type.
      const m = /^(.*?)([A-Za-z_]\w*)\s*(?:\[([^\]]*)\])?\s*(?::\s*\d+)?$/.exec(part.trim());
      if (!m) continue;
      const type = k === 0 ? m[1]!.trim() : (members[members.length - 1]?.type.replace(/\s*\*+$/, '') ?? '');
      const mem: CStructMember = { type: type.replace(/\s*\*\s*/g, ' *').trim(), name: m[2]! };
      if (m[3] !== undefined) mem.array = m[3].trim();
      members.push(mem);
    }
  }
  const coRe = /preserve_access_index/.test(after.split(';')[0] ?? '');
  return { name, members, coRe, line };
}
