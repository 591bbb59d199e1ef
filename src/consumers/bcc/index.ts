/**
 * bcc Python tools: the BPF C text lives in Python string literals. What it reads:
 * - `TRACEPOINT_PROBE(sys, ev) { ... args->f ... }`: by name (bcc generates the struct from the event's
 *   format file when the tool loads, so moved offsets are fine);
 * - `RAW_TRACEPOINT_PROBE(ev) { ... ctx->args[i] ... }`: TP_PROTO arguments by position;
 * - `attach_tracepoint(tp="sys:ev", fn_name="F")` where F takes a hand-written `struct S *`: fixed offsets,
 *   laid out for x86_64 (./layout.ts);
 * - `attach_raw_tracepoint(tp="ev", fn_name="F")`: positional, like RAW_TRACEPOINT_PROBE.
 * A use is *guarded* when the C text holding it is only added under a condition that probes the kernel
 * (`BPF.tracepoint_exists(...)`, `BPF.support_raw_tracepoint()`, `kernel_struct_has_field`, a kprobe
 * fallback): the tool then copes without it. Names built at run time (`TRACEPOINT_PROBE(%s, %s)`, `tp=pattern`)
 * cannot be read and are listed as problems.
 */
import type { ConsumerProblem, Use } from '../model.js';
import type { ConsumerFile, ConsumerReader, ConsumerReading } from '../reader.js';
import { LineIndex, baseName, blankCLike, matchBrace } from '../text.js';
import { type PyLines, type PyString, UnterminatedString, enclosingConditions, scanPython } from './python.js';
import { InputError } from '../../errors.js';
import { layoutStruct } from './layout.js';

/** Kernel probes a tool's Python makes before it adds C text: what makes a use guarded. */
const PROBE_CALL = /\b(?:tracepoint_exists|support_raw_tracepoint\w*|kernel_struct_has_field|get_kprobe_functions|ksymname|ksym|get_syscall_fnname)\s*\(/;

interface Context {
  file: string;
  tool: string;
  src: string;
  py: PyLines;
  lines: LineIndex;
  uses: Use[];
  problems: ConsumerProblem[];
  /** Variables assigned the result of a kernel probe (`is_support_raw_tp = BPF.support_raw_tracepoint()`). */
  probeVars: Set<string>;
  /** `.replace('TYPE', 'preempt')` substitutions the tool makes in its C text. */
  replacements: Map<string, Set<string>>;
}

function isGuard(cond: string, ctx: Context): boolean {
  if (PROBE_CALL.test(cond)) return true;
  for (const m of cond.matchAll(/[A-Za-z_]\w*/g)) if (ctx.probeVars.has(m[0])) return true;
  return false;
}

/** The guard of a line: the enclosing conditions that probe the kernel, innermost first. */
function guardOfLine(ctx: Context, line: number): string | undefined {
  const guards = enclosingConditions(ctx.py, line).filter((c) => isGuard(c, ctx));
  return guards.length > 0 ? guards.join(' and ') : undefined;
}

/**
 * A literal's guard: its own statement's, or, for a literal assigned to a variable, the guard of every place
 * the variable is added to the program text (all guarded → guarded by the first; any unguarded → unguarded).
 */
function guardOfString(ctx: Context, s: PyString): string | undefined {
  const own = guardOfLine(ctx, s.line);
  if (own || !s.target) return own;
  const re = new RegExp(`(^|[^\\w.])${s.target.replace(/\./g, '\\.')}\\b`, 'g');
  let guard: string | undefined;
  let refs = 0;
  for (const m of ctx.py.code.matchAll(re)) {
    const at = m.index + m[1]!.length;
    const line = ctx.lines.lineAt(at);
    const lineText = ctx.py.lines[line - 1]!;
    // The literal's own assignment (NAME = ...) is not a use of it.
    if (new RegExp(`^\\s*${s.target.replace(/\./g, '\\.')}\\s*\\+?=`).test(lineText) && line === s.line) continue;
    if (new RegExp(`^\\s*${s.target.replace(/\./g, '\\.')}\\s*=`).test(lineText)) continue;
    refs++;
    const g = guardOfLine(ctx, line);
    if (!g) return undefined;
    guard ??= g;
  }
  return refs > 0 ? guard : undefined;
}

/** Expands run-time placeholders (`TYPE_disable` with `.replace('TYPE', 'preempt')`) in a name. */
function expandName(ctx: Context, name: string): string[] {
  let names = [name];
  for (const [key, values] of ctx.replacements) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key) || !name.includes(key)) continue;
    names = names.flatMap((n) => [...values].map((v) => n.split(key).join(v)));
  }
  return names;
}

function push(ctx: Context, u: Omit<Use, 'tool' | 'family' | 'file'>, guard: string | undefined): void {
  const use: Use = { tool: ctx.tool, family: 'bcc', file: ctx.file, ...u };
  if (guard) use.guarded = guard;
  ctx.uses.push(use);
}

/** `TRACEPOINT_PROBE(sys, ev)` and `RAW_TRACEPOINT_PROBE(ev)` blocks inside one literal. */
function readProbes(ctx: Context, s: PyString, c: string): void {
  const guard = () => guardOfString(ctx, s);
  for (const m of c.matchAll(/\b(RAW_)?TRACEPOINT_PROBE\s*\(([^)]*)\)/g)) {
    const at = s.start + m.index;
    const line = ctx.lines.lineAt(at);
    const args = m[2]!.split(',').map((a) => a.trim());
    const raw = m[1] !== undefined;
    if (args.some((a) => !/^\w+$/.test(a)) || args.length !== (raw ? 1 : 2)) {
      ctx.problems.push({ file: ctx.file, line, message: `${m[0].replace(/\s+/g, ' ')}: the tracepoint is named at run time (Python string formatting); not read` });
      continue;
    }
    const open = c.indexOf('{', m.index + m[0].length);
    const between = open < 0 ? '' : c.slice(m.index + m[0].length, open);
    const close = open >= 0 && between.trim() === '' ? matchBrace(c, open) : -1;
    if (close < 0) {
      ctx.problems.push({ file: ctx.file, line, message: `${m[0]}: no { body } in the same string; only the event is checked` });
    }
    const body = close < 0 ? '' : c.slice(open, close + 1);
    const bodyAt = s.start + open;
    const g = guard();
    if (!raw) {
      const systems = expandName(ctx, args[0]!);
      const events = expandName(ctx, args[1]!);
      for (const sys of systems)
        for (const ev of events) {
          const event = `${sys}:${ev}`;
          const seen = new Set<string>();
          // args->f, and bcc's data_loc helpers: TP_DATA_LOC_READ*(dst, field, len) reads args->data_loc_field.
          const reads = [
            ...[...body.matchAll(/\bargs\s*->\s*([A-Za-z_]\w*)/g)].map((f) => ({ at: f.index, name: f[1]!.replace(/^data_loc_/, ''), loc: f[1]!.startsWith('data_loc_') })),
            ...[...body.matchAll(/\bTP_DATA_LOC_READ(?:_STR|_CONST)?\s*\([^,]*,\s*([A-Za-z_]\w*)\s*,/g)].map((f) => ({ at: f.index, name: f[1]!, loc: true })),
          ].sort((a, b) => a.at - b.at);
          for (const f of reads) {
            if (seen.has(f.name)) continue;
            seen.add(f.name);
            const u: Omit<Use, 'tool' | 'family' | 'file'> = { line: ctx.lines.lineAt(bodyAt + f.at), event, attach: 'tracefs', field: f.name, read: 'by-name' };
            if (f.loc) u.type = '__data_loc char[]';
            push(ctx, u, g);
          }
          if (seen.size === 0) push(ctx, { line, event, attach: 'tracefs', read: 'exists-only' }, g);
        }
    } else {
      for (const ev of expandName(ctx, args[0]!)) readRawArgs(ctx, body, bodyAt, 'ctx', { event: `:${ev}`, line }, g);
    }
  }
}

/** `ctx->args[i]` reads in a raw tracepoint program's body, with the cast's type when there is one. */
function readRawArgs(ctx: Context, body: string, bodyAt: number, param: string, probe: { event: string; line: number }, guard: string | undefined): void {
  const seen = new Set<number>();
  const re = new RegExp(`(?:\\(\\s*([^()]+?)\\s*\\)\\s*)?\\b${param}\\s*->\\s*args\\s*\\[\\s*(\\d+)\\s*\\]`, 'g');
  for (const a of body.matchAll(re)) {
    const arg = Number(a[2]);
    if (seen.has(arg)) continue;
    seen.add(arg);
    const u: Omit<Use, 'tool' | 'family' | 'file'> = { line: ctx.lines.lineAt(bodyAt + a.index), event: probe.event, attach: 'raw_tp', arg, read: 'positional' };
    if (a[1] && /\*|\b(?:u|s)(?:8|16|32|64)\b|\bint\b|\blong\b/.test(a[1])) u.type = a[1].replace(/\s+/g, ' ');
    push(ctx, u, guard);
  }
  if (seen.size === 0) push(ctx, { line: probe.line, event: probe.event, attach: 'raw_tp', read: 'exists-only' }, guard);
}

interface CFunction {
  name: string;
  /** `struct S` the function takes, and the parameter's name. */
  struct: string;
  param: string;
  body: string;
  bodyAt: number;
  string: PyString;
}

/** `attach_tracepoint(tp="sys:ev", fn_name="F")` and `attach_raw_tracepoint(tp="ev", fn_name="F")` calls. */
function readAttachCalls(ctx: Context, functions: Map<string, CFunction>, structs: Map<string, { body: string; line: number }>): void {
  const src = ctx.src;
  for (const m of ctx.py.code.matchAll(/\.attach_(raw_)?tracepoint\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let end = open;
    for (; end < src.length; end++) {
      if (ctx.py.code[end] === '(') depth++;
      else if (ctx.py.code[end] === ')' && --depth === 0) break;
    }
    const call = src.slice(open + 1, end);
    const line = ctx.lines.lineAt(m.index);
    const raw = m[1] !== undefined;
    const tp = /\btp\s*=\s*(?:b?["']([^"']*)["'])?/.exec(call);
    const fn = /\bfn_name\s*=\s*b?["']([^"']*)["']/.exec(call);
    if (!tp || tp[1] === undefined || !fn) {
      ctx.problems.push({ file: ctx.file, line, message: `${m[0].slice(1)}...): the tracepoint or the function is chosen at run time (${call.replace(/\s+/g, ' ').trim()}); not read` });
      continue;
    }
    const guard = guardOfLine(ctx, line);
    const f = functions.get(fn[1]!);
    const name = tp[1];
    if (raw) {
      const event = `:${name}`;
      if (!f) push(ctx, { line, event, attach: 'raw_tp', read: 'exists-only' }, guard);
      else readRawArgs(ctx, f.body, f.bodyAt, f.param, { event, line }, guard);
      continue;
    }
    const [sys, ev] = name.split(':');
    if (!sys || !ev) {
      ctx.problems.push({ file: ctx.file, line, message: `attach_tracepoint(tp="${name}"): not a "system:event" name` });
      continue;
    }
    const event = `${sys}:${ev}`;
    const st = f ? structs.get(f.struct) : undefined;
    if (!f || !st) {
      if (f && !st) ctx.problems.push({ file: ctx.file, line, message: `${fn[1]}: struct ${f.struct} is not defined in the tool's C text; only the event is checked` });
      push(ctx, { line, event, attach: 'tracefs', read: 'exists-only' }, guard);
      continue;
    }
    const layout = layoutStruct(st.body);
    if ('unknown' in layout) {
      ctx.problems.push({ file: ctx.file, line: st.line, message: `struct ${f.struct}: cannot lay out '${layout.unknown}' for x86_64; only the event is checked` });
      push(ctx, { line, event, attach: 'tracefs', read: 'exists-only' }, guard);
      continue;
    }
    const seen = new Set<string>();
    for (const a of f.body.matchAll(new RegExp(`\\b${f.param}\\s*->\\s*([A-Za-z_]\\w*)`, 'g'))) {
      if (seen.has(a[1]!)) continue;
      seen.add(a[1]!);
      const lf = layout.fields.find((x) => x.name === a[1]);
      const at = ctx.lines.lineAt(f.bodyAt + a.index);
      if (!lf) {
        ctx.problems.push({ file: ctx.file, line: at, message: `${f.param}->${a[1]}: no such member in struct ${f.struct}` });
        continue;
      }
      push(ctx, { line: at, event, attach: 'tracefs', field: lf.name, type: lf.type, offset: lf.offset, size: lf.size, read: 'fixed-offset' }, guard);
    }
    if (seen.size === 0) push(ctx, { line, event, attach: 'tracefs', read: 'exists-only' }, guard);
  }
}

export function readBcc(file: ConsumerFile): ConsumerReading {
  const src = file.data.toString('utf8');
  if (src.includes('\0')) throw new InputError(file.path, 'binary data (NUL byte) in a bcc Python tool');
  let py: PyLines;
  try {
    py = scanPython(src);
  } catch (e) {
    if (e instanceof UnterminatedString) throw new InputError(file.path, `bcc Python tool does not parse: ${e.message}`, e.line);
    throw e;
  }
  const ctx: Context = {
    file: file.path,
    tool: baseName(file.path).replace(/\.py$/, ''),
    src,
    py,
    lines: new LineIndex(src),
    uses: [],
    problems: [],
    probeVars: new Set(),
    replacements: new Map(),
  };
  for (const m of py.code.matchAll(/^\s*([A-Za-z_]\w*)\s*=\s*(.*)$/gm)) if (PROBE_CALL.test(m[2]!)) ctx.probeVars.add(m[1]!);
  for (const m of src.matchAll(/\.replace\(\s*b?(['"])(\w+)\1\s*,\s*b?(['"])(\w*)\3\s*\)/g)) {
    const set = ctx.replacements.get(m[2]!) ?? new Set<string>();
    set.add(m[4]!);
    ctx.replacements.set(m[2]!, set);
  }
  const functions = new Map<string, CFunction>();
  const structs = new Map<string, { body: string; line: number }>();
  for (const s of py.strings) {
    if (!/TRACEPOINT_PROBE|struct|args/.test(s.text)) continue;
    const c = blankCLike(s.text, { hashLines: true });
    readProbes(ctx, s, c);
    for (const m of c.matchAll(/\bstruct\s+(\w+)\s*\{([^{}]*)\}\s*;/g)) structs.set(m[1]!, { body: m[2]!, line: ctx.lines.lineAt(s.start + m.index) });
    for (const m of c.matchAll(/\b(?:int|static\s+int|u64|long)\s+(\w+)\s*\(\s*struct\s+(\w+)\s*\*\s*(\w+)\s*\)\s*\{/g)) {
      const open = m.index + m[0].length - 1;
      const close = matchBrace(c, open);
      functions.set(m[1]!, { name: m[1]!, struct: m[2]!, param: m[3]!, body: c.slice(open, close < 0 ? c.length : close + 1), bodyAt: s.start + open, string: s });
    }
  }
  readAttachCalls(ctx, functions, structs);
  return { tools: [{ tool: ctx.tool, family: 'bcc', file: file.path }], uses: ctx.uses, problems: ctx.problems };
}

export const bccReader: ConsumerReader = {
  family: 'bcc',
  detect(path, head) {
    const text = head.toString('latin1');
    const python = path.endsWith('.py') || /^#!.*\bpython/.test(text.slice(0, 200));
    return python && /^\s*(?:from\s+bcc\b|import\s+bcc\b)/m.test(text);
  },
  read: readBcc,
};
