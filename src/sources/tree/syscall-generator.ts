/**
 * How a tree's kernel/trace/trace_syscalls.c lays out and prints the syscall events, read from that code:
 *
 * - every version: `SYSCALL_FIELD(int, __syscall_nr)` after the common header, then each parameter as a
 *   field of `sizeof(unsigned long)` bytes at `offsetof(struct syscall_trace_enter, args)` + 8·i with the
 *   is_signed the code passes to trace_define_field; the exit event `SYSCALL_FIELD(long, ret)`; the enter
 *   format `"<arg>: 0x%08lx, ..."` with `((unsigned long)(REC-><arg>))` arguments, the exit `"0x%lx", REC->ret`.
 * - 7.x (`user_mask`): the syscalls check_faultable_syscall names also record the user-space data of some
 *   arguments, as `__data_loc char[] __<arg>_val` fields after the parameters, printed with `\"%s\"`
 *   (__get_str) or `(%s)` (__print_dynamic_array); and a syscall may have a print format of its own
 *   (`sys_enter_openat_print_fmt`), whose snprintf calls are replayed here.
 *
 * Anything else in those places is a form this reader does not know: it says so (a problem), and the tree
 * gets no syscall events rather than wrong ones.
 */
import type { Field, PrintFormat } from '../../model/snapshot.js';
import { evaluateConstant } from '../../util/cexpr.js';
import { CTextError, matchingBracket, readStringLiterals, splitTopLevel, stripComments } from '../../util/ctext.js';
import { parseFieldDeclaration, parsePrintFormat } from '../tracefs/format.js';
import type { SyscallParam } from './syscall-defs.js';

export const GENERATOR_FILE = 'kernel/trace/trace_syscalls.c';
const TRACE_H = 'kernel/trace/trace.h';

/** Sizes of the C types the generator's fixed fields use (x86_64 and arm64: LP64; i386 and arm: ILP32). */
const scalarsFor = (word: 4 | 8): Record<string, { size: number; signed: boolean }> => ({
  int: { size: 4, signed: true },
  long: { size: word, signed: true },
  'unsigned long': { size: word, signed: false },
  'unsigned int': { size: 4, signed: false },
});

/** What the user-space recording of one syscall's enter event is (7.x). */
export interface UserArgs {
  /** Bit i: argument i's user data is recorded. */
  mask: number;
  /** Index of the argument holding the length, or -1 (then the data is a string). */
  sizeArg: number;
  isString: boolean;
}

export interface SyscallGenerator {
  /** `generic` (6.x) or `user-args` (7.x). */
  variant: 'generic' | 'user-args';
  enter(tableName: string, params: SyscallParam[], headerEnd: number): { fields: Field[]; print?: PrintFormat; problem?: string };
  exit(headerEnd: number): { fields: Field[]; print: PrintFormat };
}

/** The tree's generator, or why it could not be read. */
export function readSyscallGenerator(read: (rel: string) => string | undefined, word: 4 | 8 = 8): SyscallGenerator | string {
  try {
    return readGenerator(read, word);
  } catch (e) {
    // Unterminated comments, unbalanced braces: the code is not a form this reader knows.
    if (e instanceof CTextError) return `${GENERATOR_FILE}: ${e.message}`;
    throw e;
  }
}

function readGenerator(read: (rel: string) => string | undefined, word: 4 | 8): SyscallGenerator | string {
  const SCALARS = scalarsFor(word);
  const raw = read(GENERATOR_FILE);
  if (raw === undefined) return `${GENERATOR_FILE} not found`;
  const code = stripComments(raw);
  const fixed = [...code.matchAll(/SYSCALL_FIELD\(\s*([\w ]+?)\s*,\s*(\w+)\s*\)/g)].map((m) => ({ type: m[1]!, name: m[2]! }));
  const nr = fixed.find((f) => f.name === '__syscall_nr');
  const ret = fixed.find((f) => f.name === 'ret');
  if (!nr || !ret || !SCALARS[nr.type] || !SCALARS[ret.type]) return 'no SYSCALL_FIELD(int, __syscall_nr) / SYSCALL_FIELD(long, ret) of a known type';
  const define = /trace_define_field\(\s*call\s*,\s*meta->types\[i\]\s*,\s*meta->args\[i\]\s*,\s*offset\s*,\s*sizeof\(([\w ]+)\)\s*,\s*(\d+)\s*,/.exec(code);
  if (!define || !SCALARS[define[1]!]) return 'syscall_enter_define_fields: the parameters are not defined as trace_define_field(call, meta->types[i], meta->args[i], offset, sizeof(<type>), <signed>, ...)';
  const argSize = SCALARS[define[1]!]!.size;
  const paramSigned = define[2] !== '0';
  const argsAlign = argsAlignment(read(TRACE_H), word);
  if (argsAlign === undefined) return `${TRACE_H}: struct syscall_trace_enter is not { struct trace_entry ent; int nr; unsigned long args[]; }`;
  if (!code.includes('"%s: 0x%%0%zulx') || !code.includes('", ((unsigned long)(REC->%s))"')) return 'the enter print format is not built as "<arg>: 0x%%0%zulx" with ((unsigned long)(REC-><arg>)) arguments';
  const exitFmt = /call->print_fmt\s*=\s*("(?:[^"\\]|\\.)*")\s*;/.exec(code);
  const exitPrint = exitFmt ? parsePrintFormat(unescapeC(exitFmt[1]!.slice(1, -1))) : undefined;
  if (!exitPrint) return 'the exit print format is not a string literal assigned to call->print_fmt';
  const width = `0${argSize}`;

  let userArgs: ((tableName: string) => UserArgs | undefined) | undefined;
  let ownFormats: Map<string, string | undefined> | undefined;
  const userMask = code.includes('user_mask');
  if (userMask) {
    const table = readFaultable(code);
    if (typeof table === 'string') return table;
    userArgs = (n) => table.get(n);
    const own = readOwnFormats(code, read);
    if (typeof own === 'string') return own;
    ownFormats = own;
    if (!/trace_define_field\(\s*call\s*,\s*"__data_loc char\[\]"\s*,\s*arg\s*,\s*offset\s*,\s*sizeof\(int\)\s*,\s*0\s*,/.test(code) || !code.includes('"__%s_val"')) {
      return 'the user-space data fields are not defined as trace_define_field(call, "__data_loc char[]", "__<arg>_val", offset, sizeof(int), 0, ...)';
    }
  }

  const nrField = (headerEnd: number): Field => {
    const s = SCALARS[nr.type]!;
    return { name: nr.name, type: nr.type, size: s.size, offset: alignTo(headerEnd, s.size), signed: s.signed };
  };
  return {
    variant: userMask ? 'user-args' : 'generic',
    enter(tableName, params, headerEnd) {
      const n = nrField(headerEnd);
      const argsAt = alignTo(n.offset! + n.size!, argsAlign);
      const fields: Field[] = [n, ...params.map((p, i) => ({ name: p.name, type: p.type, size: argSize, offset: argsAt + argSize * i, signed: paramSigned }))];
      const user = userArgs?.(tableName);
      const recorded = user ? params.map((_, i) => i).filter((i) => (user.mask >> i) & 1) : [];
      let at = argsAt + argSize * params.length;
      for (const i of recorded) {
        const decl = parseFieldDeclaration(`__data_loc char[] __${params[i]!.name}_val`)!;
        fields.push({ ...decl, size: 4, offset: at, signed: false });
        at += 4;
      }
      const own = ownFormats?.get(tableName);
      if (ownFormats?.has(tableName)) {
        const print = own === undefined ? undefined : parsePrintFormat(own);
        return print ? { fields, print } : { fields, problem: `the print format of sys_enter_${tableName} (a function of its own) could not be replayed` };
      }
      const asString = user !== undefined && (user.sizeArg < 0 || user.isString);
      const parts = params.map((p, i) => `${p.name}: 0x%${width}lx${recorded.includes(i) ? (asString ? ' \\"%s\\"' : ' (%s)') : ''}`);
      const args: string[] = [];
      for (let i = 0; i < params.length; i++) {
        args.push(`((unsigned long)(REC->${params[i]!.name}))`);
        if (recorded.includes(i)) args.push(asString ? `__get_str(__${params[i]!.name}_val)` : `__print_dynamic_array(__${params[i]!.name}_val, 1)`);
      }
      const text = `"${parts.join(', ')}"${args.map((a) => `, ${a}`).join('')}`;
      const print = parsePrintFormat(text);
      return print ? { fields, print } : { fields, problem: `sys_enter_${tableName}: the print format could not be built` };
    },
    exit(headerEnd) {
      const n = nrField(headerEnd);
      const s = SCALARS[ret.type]!;
      const r: Field = { name: ret.name, type: ret.type, size: s.size, offset: alignTo(n.offset! + n.size!, s.size), signed: s.signed };
      return { fields: [n, r], print: exitPrint };
    },
  };
}

const alignTo = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Alignment of `args[]` in struct syscall_trace_enter, when it is the known layout. */
function argsAlignment(traceH: string | undefined, word: 4 | 8): number | undefined {
  if (!traceH) return undefined;
  const m = /struct\s+syscall_trace_enter\s*\{([^}]*)\}/.exec(stripComments(traceH));
  if (!m) return undefined;
  const members = m[1]!.split(';').map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (members.length !== 3 || members[0] !== 'struct trace_entry ent' || members[1] !== 'int nr') return undefined;
  const a = /^(unsigned long|long|u64) args\[\]$/.exec(members[2]!);
  return a ? (a[1] === 'u64' ? 8 : word) : undefined;
}

/** C escapes of a string literal's body turned into the characters they stand for (\" \\ \n \t only). */
function unescapeC(s: string): string {
  return s.replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

function functionBody(code: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*\\([^)]*\\)\\s*\\{`).exec(code);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  try {
    return code.slice(open + 1, matchingBracket(code, open));
  } catch {
    return undefined;
  }
}

/**
 * check_faultable_syscall's switch: for each `__NR_<name>` case, which arguments' user data is recorded.
 * `#ifdef __NR_x` around a case only drops it where x does not exist, and then no event has its name: the
 * lines are skipped. Any statement but the known assignments, `break;` and `return;` is an unknown form.
 */
function readFaultable(code: string): Map<string, UserArgs> | string {
  const fn = 'check_faultable_syscall';
  const body = functionBody(code, fn);
  if (body === undefined) return `${fn} not found (the code names user_mask)`;
  const sw = /switch\s*\(\s*nr\s*\)\s*\{/.exec(body);
  if (!sw) return `${fn}: no switch (nr)`;
  const defaultSize = /sys_data->user_arg_size\s*=\s*(-?\d+)\s*;/.exec(body.slice(0, sw.index));
  if (!defaultSize) return `${fn}: no default user_arg_size before the switch`;
  const open = sw.index + sw[0].length - 1;
  const inner = body.slice(open + 1, matchingBracket(body, open));
  const out = new Map<string, UserArgs>();
  let labels: string[] = [];
  let cur: UserArgs = { mask: 0, sizeArg: Number(defaultSize[1]), isString: false };
  const flush = (): void => {
    // Two recorded arguments cannot share one length: the kernel drops the length then (WARN_ON(mask & (mask - 1))).
    if (cur.sizeArg >= 0 && (cur.mask & (cur.mask - 1)) !== 0) cur.sizeArg = -1;
    if (cur.mask !== 0) for (const l of labels) out.set(l, cur);
    labels = [];
    cur = { mask: 0, sizeArg: Number(defaultSize[1]), isString: false };
  };
  for (const rawLine of inner.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || /^#\s*(ifdef|ifndef|endif|if|else|elif)\b/.test(line)) continue;
    for (const stmt of line.split(/(?<=[;:])\s+/)) {
      let m: RegExpExecArray | null;
      if ((m = /^case\s+__NR_(\w+)\s*:$/.exec(stmt))) labels.push(m[1]!);
      else if (stmt === 'default:') labels = [];
      else if ((m = /^sys_data->user_mask\s*=\s*(.+);$/.exec(stmt))) {
        const bits = m[1]!.trim() === '0' ? [] : m[1]!.split('|').map((b) => /^\s*BIT\((\d)\)\s*$/.exec(b)?.[1]);
        if (bits.some((b) => b === undefined)) return `${fn}: unknown user_mask value '${m[1]}'`;
        cur.mask = bits.reduce((a, b) => a | (1 << Number(b)), 0);
      } else if ((m = /^sys_data->user_arg_size\s*=\s*(-?\d+)\s*;$/.exec(stmt))) cur.sizeArg = Number(m[1]);
      else if ((m = /^sys_data->user_arg_is_str\s*=\s*(\d)\s*;$/.exec(stmt))) cur.isString = m[1] !== '0';
      else if (stmt === 'break;' || stmt === 'return;') flush();
      else return `${fn}: unknown statement '${stmt}'`;
    }
  }
  flush();
  return out;
}

/**
 * Syscalls whose enter format a function of its own writes (`switch (entry->syscall_nr) { case __NR_x:
 * return <fn>(entry, buf, len); }` in __set_enter_print_fmt): the format text each writes, by replaying its
 * `snprintf(buf + pos, LEN_OR_ZERO, "<literal>"[, CONSTANT])` calls; undefined when one is not of that form.
 */
function readOwnFormats(code: string, read: (rel: string) => string | undefined): Map<string, string | undefined> | string {
  const out = new Map<string, string | undefined>();
  const body = functionBody(code, '__set_enter_print_fmt');
  if (body === undefined) return '__set_enter_print_fmt not found';
  const sw = /switch\s*\(\s*entry->syscall_nr\s*\)\s*\{/.exec(body);
  if (!sw) return out;
  const open = sw.index + sw[0].length - 1;
  const inner = body.slice(open + 1, matchingBracket(body, open));
  const constants = fcntlConstants(read);
  for (const m of inner.matchAll(/case\s+__NR_(\w+)\s*:\s*return\s+(\w+)\s*\(\s*entry\s*,\s*buf\s*,\s*len\s*\)\s*;/g)) {
    const fnBody = functionBody(code, m[2]!);
    out.set(m[1]!, fnBody === undefined ? undefined : replaySnprintf(fnBody, constants));
  }
  return out;
}

/** The text a sequence of `pos += snprintf(buf + pos, LEN_OR_ZERO, "<fmt>"[, NAME...]);` writes. */
function replaySnprintf(body: string, resolve: (name: string) => bigint | undefined): string | undefined {
  let text = '';
  const statements = body.split(';').map((s) => s.trim()).filter(Boolean);
  for (const s of statements) {
    if (/^int pos = 0$/.test(s) || /^return pos$/.test(s)) continue;
    const m = /^pos \+= snprintf\(\s*buf \+ pos\s*,\s*LEN_OR_ZERO\s*,([\s\S]*)\)$/.exec(s);
    if (!m) return undefined;
    const lit = readStringLiterals(m[1]!, 0);
    if (!lit) return undefined;
    const rest = m[1]!.slice(lit.end).trim();
    const args = rest === '' ? [] : rest.startsWith(',') ? splitTopLevel(rest.slice(1)) : undefined;
    if (!args) return undefined;
    const fmt = unescapeC(lit.text);
    let k = 0;
    let failed = false;
    text += fmt.replace(/%(%|x|d|u)/g, (_, conv: string) => {
      if (conv === '%') return '%';
      const v = args[k] === undefined ? undefined : evaluateConstant(args[k]!, resolve);
      k++;
      if (v === undefined) {
        failed = true;
        return '';
      }
      return conv === 'x' ? v.toString(16) : v.toString(10);
    });
    if (failed || k !== args.length) return undefined;
  }
  return text;
}

/** The O_* constants of x86_64 (include/uapi/asm-generic/fcntl.h, which x86 does not override), for the formats that print them. */
function fcntlConstants(read: (rel: string) => string | undefined): (name: string) => bigint | undefined {
  const text = stripComments(read('include/uapi/asm-generic/fcntl.h') ?? '');
  const defs = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\n]+)$/gm)) if (!defs.has(m[1]!)) defs.set(m[1]!, m[2]!.trim());
  const resolve = (name: string, depth = 0): bigint | undefined => {
    const v = defs.get(name);
    return v === undefined || depth > 8 ? undefined : evaluateConstant(v, (n) => resolve(n, depth + 1));
  };
  return (n) => resolve(n);
}
