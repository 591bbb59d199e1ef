/**
 * Uses from one BPF object: per tracepoint program (its section name says the attach point), the context
 * loads and CO-RE relocations its flow analysis reaches (./flow.ts), named through the object's BTF and placed
 * at a source line by its line info.
 */
import path from 'node:path';
import type { Btf } from '../../btf/btf.js';
import type { Use } from '../model.js';
import { flavorless, resolveCoreAccess } from './core.js';
import { describeGate } from './gate.js';
import { type BpfObject, type CodeSection, lineAt } from './object.js';
import { analyzeProgram, type Observation } from './flow.js';
import { parseSection } from './section.js';

export type ObjectUse = Omit<Use, 'tool' | 'family' | 'file'>;

/** Counts for the inventory (docs/consumers-libbpf.md): what the object holds besides its uses. */
export interface ObjectStats {
  programs: number;
  tracepointPrograms: number;
  /** Program types that are not trace-event consumers (kprobe, fentry, ...), with how many of each. */
  otherPrograms: Record<string, number>;
}

export interface ObjectReading {
  uses: ObjectUse[];
  problems: { line?: number; message: string }[];
  stats: ObjectStats;
}

/** Layout of the raw_syscalls structs libbpf tools lay over syscalls:* records is read from the object's BTF. */
const SYSCALL_STRUCTS = new Set(['trace_event_raw_sys_enter', 'trace_event_raw_sys_exit']);

export function readObjectUses(obj: BpfObject, where: string): ObjectReading {
  const uses: ObjectUse[] = [];
  const problems: ObjectReading['problems'] = obj.notes.map((n) => ({ message: `${where}: ${n}` }));
  const stats: ObjectStats = { programs: 0, tracepointPrograms: 0, otherPrograms: {} };
  const sections = [...obj.code.values()].filter((cs) => cs.section.name !== '.text').sort((a, b) => a.section.index - b.section.index);
  for (const cs of sections) {
    const target = parseSection(cs.section.name);
    const progs = cs.funcs.filter((f) => f.bind === 1 /* GLOBAL */);
    const entries = progs.length > 0 ? progs : cs.funcs.slice(0, 1);
    if (entries.length === 0) {
      problems.push({ message: `${where}: section ${cs.section.name} has no function symbol: not read` });
      continue;
    }
    for (const prog of entries) {
      stats.programs++;
      if (target.kind === 'other') {
        stats.otherPrograms[target.type] = (stats.otherPrograms[target.type] ?? 0) + 1;
        continue;
      }
      stats.tracepointPrograms++;
      if (target.kind === 'unnamed') {
        problems.push({ message: `${where}: program ${prog.name}: SEC("${cs.section.name}") names no tracepoint (the loader attaches it at run time): not read` });
        continue;
      }
      if (target.kind === 'malformed') {
        problems.push({ message: `${where}: program ${prog.name}: ${target.reason}` });
        continue;
      }
      const flow = analyzeProgram(obj, cs, prog.value / 8);
      for (const p of flow.problems) problems.push({ message: `${where}: program ${prog.name}: ${p}` });
      const base = { event: target.event, attach: target.attach, program: prog.name };
      const found = target.attach === 'tracefs' ? tracefsUses(obj, flow.observations, problems, where, prog.name, target.event) : positionalUses(obj, flow.observations, problems, where, prog.name);
      const seen = new Set<string>();
      if (found.length === 0) {
        // It reads nothing of the event (softirqs' softirq_entry only takes a timestamp), but it attaches to
        // it: the event must exist.
        const first = cs.lines.find((l) => l.insnOff >= prog.value && l.line > 0);
        const place = first && obj.btf ? { line: first.line, source: path.basename(obj.btf.str(first.fileNameOff)) } : {};
        uses.push({ ...place, ...base, read: 'exists-only' });
      }
      for (const f of found) {
        const u: ObjectUse = { ...placeOf(f.obs, obj.btf, mention(f.use)), ...base, ...f.use };
        const g = describeGate(f.obs.iv);
        if (g) {
          u.gate = g.gate;
          u.gateRange = g.gateRange;
        }
        const key = JSON.stringify([u.struct, u.field, u.member, u.arg, u.read, u.gate, u.guarded, u.offset]);
        if (seen.has(key)) continue;
        seen.add(key);
        uses.push(u);
      }
    }
  }
  return { uses, problems, stats };
}

/** What the source line of a use names: `ctx[1]`, `args[1]`, the field. */
function mention(u: Found['use']): RegExp | undefined {
  if (u.arg !== undefined) return new RegExp(`\\bctx\\s*\\[\\s*${u.arg}\\s*\\]|BPF_PROG`);
  const m = u.member ?? u.field;
  if (!m) return undefined;
  // As a member access (`ctx->f`, `BPF_CORE_READ(ctx, f)`), not any identifier of that name (`targ_dev != dev`).
  return new RegExp(`(?:->|\\.|,)\\s*${m.replace(/[[\]]/g, '\\$&')}(?!\\w)`);
}

/** How far a hoisted load may sit above the statement it belongs to (lines). */
const HOIST_WINDOW = 30;

/**
 * The source line of an observation, from the line info, and its file (the embedded name's basename). The
 * compiler may hoist a load above its statement, so the instruction's line can be an earlier statement: when
 * that line's text does not name what the use reads and a later line of the same file within a few lines,
 * reached from this instruction on, does, that statement is the use's line.
 */
function placeOf(o: Observation, btf: Btf | undefined, names: RegExp | undefined): { line?: number; source?: string } {
  const l = lineAt(o.cs, o.index);
  if (!l || !btf) return {};
  let line = l.line;
  if (names && !names.test(btf.str(l.lineOff))) {
    const later = o.cs.lines
      .filter((x) => x.insnOff >= l.insnOff && x.fileNameOff === l.fileNameOff && x.line > l.line && x.line <= l.line + HOIST_WINDOW && names.test(btf.str(x.lineOff)))
      .sort((a, b) => a.line - b.line)[0];
    if (later) line = later.line;
  }
  const name = path.basename(btf.str(l.fileNameOff));
  return name ? { line, source: name } : { line };
}

interface Found {
  obs: Observation;
  use: Partial<ObjectUse> & Pick<ObjectUse, 'read'>;
}

function tracefsUses(obj: BpfObject, observations: Observation[], problems: ObjectReading['problems'], where: string, prog: string, event: string): Found[] {
  const syscallEvent = event.startsWith('syscalls:');
  const out: Found[] = [];
  const btf = obj.btf;
  for (const o of sorted(observations)) {
    if (o.relo && btf) {
      const relo = o.cs.coreRelos.get(o.index)!;
      if (!relo.kind.startsWith('field_')) continue;
      const acc = resolveCoreAccess(btf, relo);
      if (typeof acc === 'string') {
        problems.push({ message: `${where}: program ${prog}: CO-RE relocation at ${o.cs.section.name} instruction ${o.index}: ${acc}` });
        continue;
      }
      if (!acc.root.startsWith('trace_event_raw_') || !acc.member) continue;
      const exists = relo.kind === 'field_exists';
      const guardKey = [...o.guards].some((g) => !g.startsWith('!') && sameAccess(obj, g, relo.typeId, relo.accessStrOff));
      const dataLoc = /^__data_loc_(.+)$/.exec(acc.member.name);
      const use: Found['use'] = { read: exists ? 'exists-only' : 'by-name', struct: acc.root };
      if (syscallEvent && SYSCALL_STRUCTS.has(acc.root)) {
        // syscalls:* records have no struct of their own: the raw_syscalls struct is laid over them, so the
        // relocated offset is that struct's in the kernel and what it lands on in the record is fixed.
        use.read = exists ? 'exists-only' : 'fixed-offset';
        use.member = acc.path ?? acc.member.name;
        use.offset = acc.offset;
        use.size = acc.size;
      } else {
        use.field = dataLoc ? dataLoc[1]! : acc.member.name;
        use.type = dataLoc ? '__data_loc' : acc.member.type;
        if (dataLoc || (acc.path && acc.path !== acc.member.name)) use.member = acc.path ?? acc.member.name;
      }
      if (guardKey) use.guarded = `bpf_core_field_exists(${acc.path ?? acc.member.name})`;
      else {
        const t = typeGuard(obj, o.guards);
        if (t) use.guarded = t;
      }
      out.push({ obs: o, use });
    } else if (o.ctxLoad && !o.cs.coreRelos.has(o.index)) {
      // A load from the record no relocation patches: the offset is the one compiled in.
      const use: Found['use'] = { read: 'fixed-offset', offset: o.ctxLoad.off, size: o.ctxLoad.size };
      const named = btf ? memberAtOffset(btf, obj, o, o.ctxLoad.off) : undefined;
      if (named) {
        use.struct = named.struct;
        use.field = named.field;
        use.type = named.type;
      }
      out.push({ obs: o, use });
    }
  }
  return out;
}

function positionalUses(obj: BpfObject, observations: Observation[], problems: ObjectReading['problems'], where: string, prog: string): Found[] {
  const out: Found[] = [];
  const types = new Map<number, string>();
  const byRelo = new Map<number, Set<string>>();
  for (const o of observations) {
    if (!o.typedBy || !obj.btf) continue;
    const [sec, insn] = o.typedBy.relo.split(':').map(Number);
    const r = obj.codeByIndex.get(sec!)?.coreRelos.get(insn!);
    if (!r || !r.kind.startsWith('field_')) continue;
    const t = obj.btf.type(obj.btf.resolve(r.typeId));
    if ((t.kind !== 'struct' && t.kind !== 'union') || !t.name) continue;
    const set = byRelo.get(o.typedBy.off) ?? new Set<string>();
    set.add(`${t.kind} ${flavorless(t.name)} *`);
    byRelo.set(o.typedBy.off, set);
  }
  // One type named by every relocation on the value; two (a cast to another struct) say nothing.
  for (const [off, set] of byRelo) if (set.size === 1) types.set(off, [...set][0]!);
  for (const o of observations) {
    if (!o.argParam || !obj.btf) continue;
    const t = paramType(obj.btf, o.argParam.funcName, o.argParam.param);
    if (t && !types.has(o.argParam.off) && !/^(u64|__u64|unsigned long long|long long unsigned int|void \*)$/.test(t)) types.set(o.argParam.off, t);
  }
  for (const o of sorted(observations)) {
    if (!o.ctxLoad) continue;
    const { off, size } = o.ctxLoad;
    if (off % 8 !== 0 || off < 0) {
      problems.push({ message: `${where}: program ${prog}: context load at byte ${off} (${o.cs.section.name} instruction ${o.index}) is not an argument slot` });
      continue;
    }
    const use: Found['use'] = { read: 'positional', arg: off / 8 };
    const t = types.get(off);
    if (t) use.type = t;
    if (size !== 8) use.size = size;
    out.push({ obs: o, use });
  }
  return out;
}

function sorted(obs: Observation[]): Observation[] {
  return [...obs].sort((a, b) => a.cs.section.index - b.cs.section.index || a.index - b.index);
}

/**
 * A `bpf_core_type_exists(struct x)` test on the way to a read: the read is one alternative of a pair chosen by
 * whether the kernel has that type (biopattern reads block_rq_complete through trace_event_raw_block_rq_completion
 * when it exists, through trace_event_raw_block_rq_complete when not).
 */
function typeGuard(obj: BpfObject, guards: Set<string>): string | undefined {
  for (const g of [...guards].sort()) {
    const neg = g.startsWith('!');
    const [sec, insn] = (neg ? g.slice(1) : g).split(':').map(Number);
    const r = obj.codeByIndex.get(sec!)?.coreRelos.get(insn!);
    if (!r || r.kind !== 'type_exists' || !obj.btf) continue;
    const t = obj.btf.type(obj.btf.resolve(r.typeId));
    const name = `${t.kind === 'union' ? 'union' : 'struct'} ${flavorless(t.name)}`;
    return neg ? `!bpf_core_type_exists(${name})` : `bpf_core_type_exists(${name})`;
  }
  return undefined;
}

/** Is the existence relocation behind guard `sec:insn` about the same type and access as this one? */
function sameAccess(obj: BpfObject, guard: string, typeId: number, accessStrOff: number): boolean {
  const [sec, insn] = guard.split(':').map(Number);
  const cs = obj.codeByIndex.get(sec!);
  const r = cs?.coreRelos.get(insn!);
  if (!r || !obj.btf) return false;
  return obj.btf.resolve(r.typeId) === obj.btf.resolve(typeId) && obj.btf.str(r.accessStrOff) === obj.btf.str(accessStrOff);
}

/** The C type of parameter `param` of function `name`, from its BTF FUNC. */
function paramType(btf: Btf, name: string, param: number): string | undefined {
  const fn = btf.byName(name, 'func')[0];
  // Only a global function keeps its signature: clang drops unused parameters of static ones (hardirqs'
  // handle_entry(irq, action) is called with action in r1) while their BTF still lists them.
  if (!fn || fn.linkage !== 1) return undefined;
  const proto = btf.type(fn.type);
  if (proto.kind !== 'func_proto') return undefined;
  const p = proto.params[param];
  if (!p) return undefined;
  try {
    return btf.cType(p.type);
  } catch {
    return undefined;
  }
}

/** For a fixed-offset record load: the member of the program's context struct at that offset. */
function memberAtOffset(btf: Btf, _obj: BpfObject, o: Observation, off: number): { struct: string; field: string; type: string } | undefined {
  const fnName = o.cs.funcs.find((f) => f.value / 8 <= o.index)?.name;
  if (!fnName) return undefined;
  const fn = btf.byName(fnName, 'func')[0];
  if (!fn) return undefined;
  const proto = btf.type(fn.type);
  if (proto.kind !== 'func_proto' || !proto.params[0]) return undefined;
  const ptr = btf.type(btf.resolve(proto.params[0].type));
  if (ptr.kind !== 'ptr') return undefined;
  const st = btf.type(btf.resolve(ptr.type));
  if (st.kind !== 'struct') return undefined;
  const m = btf.flatMembers(st.id).find((x) => x.byteOffset <= off && off < x.byteOffset + (safeSize(btf, x.type) || 1));
  if (!m) return undefined;
  return { struct: st.name, field: m.name, type: btf.cType(m.type) };
}

function safeSize(btf: Btf, id: number): number {
  try {
    return btf.sizeOf(id);
  } catch {
    return 0;
  }
}

export type { CodeSection };
