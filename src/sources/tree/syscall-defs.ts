/**
 * The `SYSCALL_DEFINEn(name, type, arg, ...)` definitions of one source file, with their parameters as the
 * kernel's SYSCALL_METADATA stringifies them and the preprocessor condition each lives under. Pure, per
 * file: the file pass (./scan.ts) calls it on every file that names SYSCALL_DEFINE, so no file is read twice.
 */
import { lineAt, lineStarts as startsOf } from '../../util/lines.js';

export interface SyscallParam {
  /** `#t` of the parameter type after macro expansion, as the kernel's `types_<name>[]` holds it. */
  type: string;
  name: string;
}

export interface SyscallDefinition {
  /** The syscall's name: `openat` for `SYSCALL_DEFINE4(openat, ...)` (metadata `sys_openat`). */
  name: string;
  params: SyscallParam[];
  line: number;
  /** The `#if` branches it is compiled under, joined with ` && ` (the tree reader's condition form). */
  condition?: string;
  /** Set when the arguments could not be read: the definition is named, never guessed. */
  problem?: string;
}

const DEFINE = /\bSYSCALL_DEFINE([0-6])\s*\(/g;

/**
 * Macros that SYSCALL_METADATA's `#t` sees expanded (the type passes through __MAP before it is
 * stringified) and that expand to nothing in a kernel build: sparse's address-space and checker annotations.
 */
const EMPTY_ANNOTATIONS = /\b(?:__user|__force|__kernel|__iomem|__rcu|__percpu|__nocast|__bitwise)\b/g;

/** Whether the text may hold a definition (a cheap test before reading a file's definitions). */
export function mayDefineSyscalls(text: string): boolean {
  return text.includes('SYSCALL_DEFINE');
}

/** Every SYSCALL_DEFINEn of `text` that is a definition (not a macro's own #define or a comment). */
export function readSyscallDefinitions(text: string): SyscallDefinition[] {
  const code = blankComments(text);
  const conditions = conditionsByLine(code);
  const lineStarts = startsOf(code);
  const lineOf = (pos: number): number => lineAt(lineStarts, pos);
  const out: SyscallDefinition[] = [];
  for (const m of code.matchAll(DEFINE)) {
    const line = lineOf(m.index);
    if (inDirective(code, lineStarts, line)) continue;
    const open = m.index + m[0].length - 1;
    const close = matchingParen(code, open);
    const def: SyscallDefinition = { name: '', params: [], line };
    const condition = conditions[line - 1];
    if (condition) def.condition = condition;
    if (close < 0) {
      out.push({ ...def, name: '?', problem: `SYSCALL_DEFINE${m[1]}: unbalanced parentheses` });
      continue;
    }
    const args = splitArgs(code.slice(open + 1, close));
    const arity = Number(m[1]);
    def.name = args[0] ?? '';
    if (!/^\w+$/.test(def.name) || args.length !== 1 + 2 * arity) {
      out.push({ ...def, name: /^\w+$/.test(def.name) ? def.name : '?', problem: `SYSCALL_DEFINE${arity}(${args[0] ?? ''}): expected a name and ${arity} type/name pairs, found ${args.length} arguments` });
      continue;
    }
    for (let i = 0; i < arity; i++) def.params.push({ type: stringifiedType(args[1 + 2 * i]!), name: args[2 + 2 * i]! });
    const odd = def.params.find((p) => !/^[A-Za-z_]\w*$/.test(p.name) || p.type === '');
    if (odd) {
      out.push({ ...def, params: [], problem: `SYSCALL_DEFINE${arity}(${def.name}): cannot read the parameter '${odd.type} ${odd.name}'` });
      continue;
    }
    out.push(def);
  }
  return out;
}

/** The type as `#t` writes it: annotations expanded away, whitespace runs one space, none at the ends. */
export function stringifiedType(type: string): string {
  return type.replace(EMPTY_ANNOTATIONS, ' ').replace(/\s+/g, ' ').trim();
}

/** Comments replaced by spaces, newlines kept (so offsets and lines stay those of the file). */
function blankComments(text: string): string {
  if (!text.includes('/*') && !text.includes('//')) return text;
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (c) =>
    c.startsWith('/') ? c.replace(/[^\n]/g, ' ') : c,
  );
}

/** Whether `line` (1-based) is part of a preprocessor directive (its own line, or a continuation of one). */
function inDirective(code: string, lineStarts: number[], line: number): boolean {
  for (let l = line; l >= 1; l--) {
    const start = lineStarts[l - 1]!;
    const end = l < lineStarts.length ? lineStarts[l]! - 1 : code.length;
    const text = code.slice(start, end);
    if (/^[ \t]*#/.test(text)) return true;
    if (l === 1) return false;
    const prevStart = lineStarts[l - 2]!;
    const prev = code.slice(prevStart, start - 1);
    if (!/\\[ \t]*$/.test(prev)) return false;
  }
  return false;
}

function matchingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === ';' || c === '{') return -1;
  }
  return -1;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out.map((a) => a.replace(/\s+/g, ' '));
}

/**
 * The condition of every line: the enclosing `#if`/`#ifdef`/`#elif`/`#else` branches, in the tree reader's
 * form (`defined(X)`, `!defined(X)`, `!(a) && (b)` for an #elif, `!(a)` for an #else), joined with ` && `.
 */
export function conditionsByLine(code: string): (string | undefined)[] {
  const lines = code.split('\n');
  const out: (string | undefined)[] = new Array(lines.length);
  interface Group {
    prev: string[];
    cur: string;
  }
  const stack: Group[] = [];
  const current = (): string | undefined => (stack.length ? stack.map((g) => g.cur).join(' && ') : undefined);
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const first = i;
    while (/\\[ \t]*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\[ \t]*$/, ' ') + lines[++i]!;
    const m = /^[ \t]*#[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b(.*)$/.exec(text);
    for (let k = first; k <= i; k++) out[k] = current();
    if (!m) continue;
    const arg = m[2]!.replace(/\s+/g, ' ').trim();
    const kw = m[1]!;
    if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const cond = kw === 'if' ? arg : kw === 'ifdef' ? `defined(${arg})` : `!defined(${arg})`;
      stack.push({ prev: [cond], cur: cond });
    } else if (kw === 'endif') stack.pop();
    else {
      const g = stack[stack.length - 1];
      if (!g) continue;
      const negs = g.prev.map((c) => `!(${c})`).join(' && ');
      if (kw === 'else') g.cur = negs;
      else {
        const cond = kw === 'elif' ? arg : kw === 'elifdef' ? `defined(${arg})` : `!defined(${arg})`;
        g.cur = `${negs} && (${cond})`;
        g.prev.push(cond);
      }
    }
  }
  return out;
}
