/**
 * What each tracepoint program of a BPF C file reads: for tracefs programs (`SEC("tp/SYS/EV")`) the record
 * fields it names through its context struct (`ctx->f`, `BPF_CORE_READ(ctx, f)`, `bpf_core_field_exists(ctx->f)`);
 * for raw_tp/tp_btf programs the TP_PROTO arguments it takes (`BPF_PROG(name, type a, ...)` parameters it
 * uses, `ctx[i]`, `ctx->args[i]`). The context is followed into the file's own functions it is passed to, and
 * a use inside `if (LINUX_KERNEL_VERSION op KERNEL_VERSION(a, b, c))` (or its else) carries that gate.
 */
import { CTextError, matchingBracket, splitTopLevel } from '../../util/ctext.js';
import type { AttachKind, ReadMode, Use } from '../model.js';
import { type CodeInterval, type CompareOp, FULL, describeGate, intersect, negateOp, opInterval, versionCode } from '../libbpf/gate.js';
import { parseSection } from '../libbpf/section.js';
import { layoutStruct } from './layout.js';
import type { CFile, CFunction, CStruct } from './parse.js';

type Role =
  | { kind: 'record'; struct: string }
  /** A tracefs program's context with no struct type (`void *ctx`): only casts of it are followed. */
  | { kind: 'untyped' }
  /** `u64 *ctx` of raw_tp/tp_btf (also BPF_PROG's hidden ctx). */
  | { kind: 'argv' }
  /** `struct bpf_raw_tracepoint_args *ctx`: `ctx->args[i]`. */
  | { kind: 'rawargs' }
  | { kind: 'arg'; index: number; type: string };

interface Found {
  at: number;
  field?: string;
  member?: string;
  struct?: string;
  arg?: number;
  type?: string;
  exists?: boolean;
  /** Kernel versions that reach it (the gates around it and around the calls that led to it); undefined: none. */
  iv?: CodeInterval;
}

export interface ProgramUses {
  uses: Omit<Use, 'tool' | 'family' | 'file'>[];
  problems: { line: number; message: string }[];
}

const MAX_DEPTH = 6;

/** Layouts of the raw_syscalls record structs, which libbpf tools use to read `syscalls:*` records. */
const SYSCALL_STRUCTS: Record<string, Record<string, { offset: number; size: number; elem?: number }>> = {
  trace_event_raw_sys_enter: { id: { offset: 8, size: 8 }, args: { offset: 16, size: 48, elem: 8 } },
  trace_event_raw_sys_exit: { id: { offset: 8, size: 8 }, ret: { offset: 16, size: 8 } },
};

export function analyzeFile(file: CFile): ProgramUses {
  const uses: ProgramUses['uses'] = [];
  const problems: ProgramUses['problems'] = [];
  const byName = new Map(file.functions.map((f) => [f.name, f]));
  const structs = new Map(file.structs.map((s) => [s.name, s]));
  const gates = gateRegions(file, problems);
  for (const fn of file.functions) {
    if (fn.section === undefined) continue;
    const target = parseSection(fn.section);
    if (target.kind === 'other') continue;
    if (target.kind === 'unnamed') {
      problems.push({ line: fn.line, message: `${fn.name}: SEC("${fn.section}") names no tracepoint (the loader attaches it at run time): not read` });
      continue;
    }
    if (target.kind === 'malformed') {
      problems.push({ line: fn.line, message: `${fn.name}: ${target.reason}` });
      continue;
    }
    const roles = entryRoles(fn, target.attach);
    if (roles.size === 0) {
      problems.push({ line: fn.line, message: `${fn.name}: no context parameter: reads not followed` });
      continue;
    }
    const found: Found[] = [];
    walk(fn, roles, FULL, 0, [fn.name], found, { byName, file, problems, gates });
    const existsKeys = new Set(found.filter((f) => f.exists).map((f) => `${f.struct}.${f.member ?? f.field}`));
    const readKeys = new Set(found.filter((f) => !f.exists).map((f) => `${f.struct}.${f.member ?? f.field}`));
    const seen = new Set<string>();
    const before = uses.length;
    for (const f of found) {
      const key = `${f.struct}.${f.member ?? f.field}`;
      if (f.exists && readKeys.has(key)) continue;
      const u = toUse(f, target.event, target.attach, fn, structs, file, problems);
      if (!u) continue;
      if (f.struct !== undefined && existsKeys.has(key)) u.guarded = `bpf_core_field_exists(${f.member ?? f.field})`;
      const iv = f.iv;
      if (iv === undefined) continue; // the use sits in code no kernel version reaches
      const g = describeGate(iv);
      if (g) {
        u.gate = g.gate;
        u.gateRange = g.gateRange;
      }
      const dedupe = JSON.stringify([u.event, u.field, u.member, u.arg, u.read, u.gate, u.guarded]);
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      uses.push(u);
    }
    // A program that reads nothing of its event still attaches to it: the event must exist.
    if (uses.length === before) uses.push({ line: fn.line, event: target.event, attach: target.attach, program: fn.name, read: 'exists-only' });
  }
  return { uses, problems };
}

function entryRoles(fn: CFunction, attach: AttachKind): Map<string, Role> {
  const roles = new Map<string, Role>();
  if (fn.macro === 'BPF_PROG' || fn.macro === 'BPF_PROG2') {
    roles.set('ctx', { kind: 'argv' });
    fn.params.forEach((p, index) => p.name && roles.set(p.name, { kind: 'arg', index, type: p.type }));
    return roles;
  }
  const p = fn.params[0];
  if (!p || !p.name) return roles;
  if (attach === 'tracefs') {
    const st = /^(?:const )?struct ([A-Za-z_]\w*) \*$/.exec(p.type);
    roles.set(p.name, st ? { kind: 'record', struct: st[1]! } : { kind: 'untyped' });
  } else if (/\bbpf_raw_tracepoint_args\b/.test(p.type)) roles.set(p.name, { kind: 'rawargs' });
  else roles.set(p.name, { kind: 'argv' });
  return roles;
}

const WORD = (name: string) => name.replace(/[$]/g, '');

interface WalkEnv {
  byName: Map<string, CFunction>;
  file: CFile;
  problems: ProgramUses['problems'];
  gates: GateRegion[];
}

function walk(fn: CFunction, roles: Map<string, Role>, inherited: CodeInterval, depth: number, stack: string[], out: Found[], env: WalkEnv): void {
  const { byName, file, problems, gates } = env;
  const found: Found[] = [];
  const body = file.text.slice(fn.bodyStart, fn.bodyEnd + 1);
  const base = fn.bodyStart;
  // Casts of the context to a record struct: `struct trace_event_raw_x *e = (void *)ctx;`.
  for (const [name, role] of [...roles]) {
    if (role.kind !== 'record' && role.kind !== 'untyped') continue;
    const re = new RegExp(`\\bstruct\\s+([A-Za-z_]\\w*)\\s*\\*\\s*([A-Za-z_]\\w*)\\s*=\\s*(?:\\([^()]*\\)\\s*)?${WORD(name)}\\s*;`, 'g');
    for (const m of body.matchAll(re)) roles.set(m[2]!, { kind: 'record', struct: m[1]! });
  }
  for (const [name, role] of roles) {
    const n = WORD(name);
    if (role.kind === 'record') {
      for (const m of body.matchAll(new RegExp(`\\b${n}\\s*->\\s*([A-Za-z_]\\w*)((?:\\s*\\[[^\\]]*\\])*)`, 'g'))) {
        const before = body.slice(Math.max(0, m.index - 40), m.index);
        const f: Found = { at: base + m.index, field: m[1]!, struct: role.struct };
        const idx = m[2]!.replace(/\s+/g, '');
        if (idx) f.member = m[1]! + idx;
        if (/\bbpf_core_field_exists\s*\(\s*$/.test(before)) f.exists = true;
        found.push(f);
      }
      for (const m of body.matchAll(/\bBPF_CORE_READ\w*\s*\(/g)) {
        const open = m.index + m[0].length - 1;
        const args = argsAt(body, open);
        if (!args) continue;
        const j = args.findIndex((a) => a.trim() === name);
        const member = j >= 0 ? args[j + 1]?.trim() : undefined;
        if (member && /^[A-Za-z_]\w*/.test(member)) {
          const top = /^[A-Za-z_]\w*/.exec(member)![0];
          const f: Found = { at: base + m.index, field: top, struct: role.struct };
          if (member !== top) f.member = member.replace(/\s+/g, '');
          found.push(f);
        }
      }
    } else if (role.kind === 'argv') {
      for (const m of body.matchAll(new RegExp(`(?:\\(\\s*([^()]*?)\\s*\\)\\s*)?\\b${n}\\s*\\[\\s*(\\d+)\\s*\\]`, 'g'))) {
        const f: Found = { at: base + m.index + (m[0].length - m[0].replace(/^\([^()]*\)\s*/, '').length), arg: Number(m[2]) };
        const cast = m[1]?.trim();
        if (cast && cast !== 'void *' && !/^(u64|__u64|unsigned long long|long|unsigned long)$/.test(cast)) f.type = cast.replace(/\s*\*\s*/g, ' *').trim();
        found.push(f);
      }
    } else if (role.kind === 'rawargs') {
      for (const m of body.matchAll(new RegExp(`\\b${n}\\s*->\\s*args\\s*\\[\\s*(\\d+)\\s*\\]`, 'g'))) found.push({ at: base + m.index, arg: Number(m[1]) });
    } else if (role.kind === 'arg') {
      const m = new RegExp(`(?<![.>\\w])${n}\\b`).exec(body);
      if (m) found.push({ at: base + m.index, arg: role.index, type: role.type });
    }
  }
  // The context passed on to the file's own functions.
  for (const m of body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    const callee = byName.get(m[1]!);
    if (!callee || callee === fn || callee.section !== undefined && callee.name === fn.name) continue;
    const args = argsAt(body, m.index + m[0].length - 1);
    if (!args) continue;
    const bound = new Map<string, Role>();
    args.forEach((a, j) => {
      const bare = a.replace(/^\s*\([^()]*\)\s*/, '').trim();
      const role = roles.get(bare);
      const p = callee.params[j];
      if (role && p?.name && role.kind !== 'arg') bound.set(p.name, role);
      // A typed argument passed on keeps its index: the callee's reads are its reads.
      if (role && p?.name && role.kind === 'arg') bound.set(p.name, role);
    });
    if (bound.size === 0) continue;
    if (stack.includes(callee.name)) continue;
    if (depth + 1 > MAX_DEPTH) {
      problems.push({ line: file.lineOf(base + m.index), message: `${stack[0]}: calls nested deeper than ${MAX_DEPTH}: ${callee.name} not followed` });
      continue;
    }
    // Typed BPF_PROG arguments are recorded where the program names them; only the context is followed.
    const ctxOnly = new Map([...bound].filter(([, r]) => r.kind !== 'arg'));
    const here = gateAt(gates, base + m.index);
    const iv = here && intersect(inherited, here);
    if (ctxOnly.size > 0 && iv) walk(callee, ctxOnly, iv, depth + 1, [...stack, callee.name], out, env);
  }
  for (const f of found) {
    const here = gateAt(gates, f.at);
    const iv = here && intersect(inherited, here);
    if (iv) f.iv = iv;
    out.push(f);
  }
}

function argsAt(text: string, open: number): string[] | undefined {
  try {
    const close = matchingBracket(text, open);
    return splitTopLevel(text.slice(open + 1, close));
  } catch (e) {
    if (e instanceof CTextError) return undefined;
    throw e;
  }
}

function toUse(
  f: Found,
  event: string,
  attach: AttachKind,
  fn: CFunction,
  structs: Map<string, CStruct>,
  file: CFile,
  problems: ProgramUses['problems'],
): Omit<Use, 'tool' | 'family' | 'file'> | undefined {
  const line = file.lineOf(f.at);
  const base = { line, event, attach, program: fn.name };
  if (f.arg !== undefined) {
    if (attach === 'tracefs') return undefined;
    const u: Omit<Use, 'tool' | 'family' | 'file'> = { ...base, arg: f.arg, read: 'positional' };
    if (f.type) u.type = f.type;
    return u;
  }
  if (f.field === undefined || f.struct === undefined) return undefined;
  if (attach !== 'tracefs') return undefined;
  const system = event.slice(0, event.indexOf(':'));
  const local = structs.get(f.struct);
  const sysLayout = SYSCALL_STRUCTS[f.struct];
  if (system === 'syscalls' && sysLayout) {
    // syscalls:* events have no struct of their own: the raw_syscalls struct's layout is laid over the record.
    const m = sysLayout[f.field];
    const u: Omit<Use, 'tool' | 'family' | 'file'> = { ...base, read: 'fixed-offset', struct: f.struct, member: f.member ?? f.field };
    if (m) {
      const idx = f.member ? /\[(\d+)\]/.exec(f.member) : null;
      u.offset = m.offset + (m.elem && idx ? m.elem * Number(idx[1]) : 0);
      u.size = m.elem && idx ? m.elem : m.size;
    } else problems.push({ line, message: `${fn.name}: ${f.struct} has no member ${f.field} tpdrift knows the layout of` });
    if (f.exists) u.read = 'exists-only';
    return u;
  }
  if (local && !local.coRe) {
    const lay = layoutStruct(local);
    const m = lay.members.find((x) => x.name === f.field);
    const u: Omit<Use, 'tool' | 'family' | 'file'> = { ...base, field: f.field, read: 'fixed-offset', struct: f.struct };
    if (f.member) u.member = f.member;
    if (m) {
      u.type = m.type;
      if (m.offset !== undefined && m.size !== undefined) {
        u.offset = m.offset;
        u.size = m.size;
        const idx = f.member ? /^\w+\[(\d+)\]/.exec(f.member) : null;
        const len = /\[(\d+)\]$/.exec(m.type);
        if (idx && len && Number(len[1]) > 0) {
          u.size = m.size / Number(len[1]);
          u.offset = m.offset + u.size * Number(idx[1]);
        }
      } else problems.push({ line, message: `${fn.name}: struct ${f.struct}: ${lay.stopped ?? `no layout for ${f.field}`}` });
    } else problems.push({ line, message: `${fn.name}: struct ${f.struct} has no member ${f.field}` });
    return u;
  }
  const read: ReadMode = f.exists ? 'exists-only' : 'by-name';
  const dataLoc = /^__data_loc_(.+)$/.exec(f.field);
  const u: Omit<Use, 'tool' | 'family' | 'file'> = { ...base, field: dataLoc ? dataLoc[1]! : f.field, read, struct: f.struct };
  if (dataLoc) u.type = '__data_loc';
  if (f.member || dataLoc) u.member = f.member ?? f.field;
  return u;
}

interface GateRegion {
  start: number;
  end: number;
  /** undefined: a gate tpdrift cannot keep as one interval (`!=`). */
  interval: CodeInterval | undefined;
}

const KV_COND =
  /^\(*\s*(?:LINUX_KERNEL_VERSION\s*(<=|>=|<|>|==|!=)\s*KERNEL_VERSION\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)|KERNEL_VERSION\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\s*(<=|>=|<|>|==|!=)\s*LINUX_KERNEL_VERSION)\s*\)*$/;

const FLIP: Record<CompareOp, CompareOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** `if (LINUX_KERNEL_VERSION op KERNEL_VERSION(a, b, c)) THEN [else ELSE]` regions of the whole file. */
function gateRegions(file: CFile, problems: ProgramUses['problems']): GateRegion[] {
  const out: GateRegion[] = [];
  const text = file.text;
  for (const m of text.matchAll(/\bif\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    let close: number;
    try {
      close = matchingBracket(text, open);
    } catch {
      continue;
    }
    const cond = text.slice(open + 1, close).replace(/\s+/g, ' ').trim();
    if (!cond.includes('LINUX_KERNEL_VERSION')) continue;
    const k = KV_COND.exec(cond);
    const line = file.lineOf(m.index);
    if (!k) {
      problems.push({ line, message: `kernel-version condition "${cond}" is not of the form LINUX_KERNEL_VERSION op KERNEL_VERSION(a, b, c): uses under it are recorded without a gate` });
      continue;
    }
    const op = (k[1] ?? FLIP[k[8] as CompareOp]) as CompareOp;
    const code = k[1] ? versionCode(Number(k[2]), Number(k[3]), Number(k[4])) : versionCode(Number(k[5]), Number(k[6]), Number(k[7]));
    const thenEnd = statementEnd(text, close + 1);
    if (thenEnd === undefined) continue;
    out.push({ start: close + 1, end: thenEnd, interval: opInterval(op, code) ?? undefined });
    const after = /^\s*else\b/.exec(text.slice(thenEnd));
    if (after) {
      const elseStart = thenEnd + after[0].length;
      const elseEnd = statementEnd(text, elseStart);
      if (elseEnd !== undefined) out.push({ start: elseStart, end: elseEnd, interval: opInterval(negateOp(op), code) ?? undefined });
    }
  }
  return out;
}

/** Where the statement starting at or after `pos` ends (exclusive). */
function statementEnd(text: string, pos: number): number | undefined {
  let i = pos;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  try {
    if (text[i] === '{') return matchingBracket(text, i) + 1;
    if (/^if\s*\(/.test(text.slice(i, i + 8))) {
      const open = text.indexOf('(', i);
      const close = matchingBracket(text, open);
      const thenEnd = statementEnd(text, close + 1);
      if (thenEnd === undefined) return undefined;
      const after = /^\s*else\b/.exec(text.slice(thenEnd));
      return after ? statementEnd(text, thenEnd + after[0].length) : thenEnd;
    }
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '(' || c === '[' || c === '{') i = matchingBracket(text, i);
      else if (c === ';') return i + 1;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The interval of kernel versions that reach offset `at`; undefined when none does. */
function gateAt(regions: GateRegion[], at: number): CodeInterval | undefined {
  let iv: CodeInterval | undefined = FULL;
  for (const r of regions) {
    if (at < r.start || at >= r.end || r.interval === undefined) continue;
    iv = iv && intersect(iv, r.interval);
  }
  return iv;
}
