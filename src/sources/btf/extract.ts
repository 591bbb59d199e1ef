/**
 * A kernel's (or one module's) BTF → tracepoints, record layouts and the common header, the way the kernel's
 * trace macros leave them in BTF:
 * - `btf_trace_<tp>`: a typedef of `void (*)(void *__data, TP_PROTO...)`, one per tracepoint (include/trace/bpf_probe.h);
 * - `__traceiter_<tp>(void *__data, TP_PROTO...)` (5.10+) and `__probestub_<tp>` (6.4+): the same prototype with
 *   the argument names the tracepoint was declared with;
 * - `__bpf_trace_<class>(void *__data, TP_PROTO...)`: one per class (a TRACE_EVENT or DECLARE_TRACE is its own class);
 * - `struct trace_event_raw_<class>`: the record (`struct trace_entry ent`, the fields, `char __data[]`), with
 *   `u32 __data_loc_<f>` / `u32 __rel_loc_<f>` for dynamic fields, which `struct trace_event_data_offsets_<class>`
 *   names; `trace_event_raw_event_<class>` exists for classes that are trace events;
 * - `struct trace_entry` → the `common_*` fields.
 * BTF has no TRACE_SYSTEM, no print format and no element type of dynamic fields: events get system '' and dynamic
 * fields type '' (unknown, which the diff never reports as a change).
 */
import type { Btf, BtfFuncProto, BtfType } from '../../btf/btf.js';
import type { EventDef, Field, ProtoArg, Problem } from '../../model/snapshot.js';

export interface BtfEvents {
  events: EventDef[];
  problems: Problem[];
}

const TP_PREFIX = 'btf_trace_';

interface ClassInfo {
  name: string;
  /** FUNC_PROTO id of `__bpf_trace_<class>`. */
  proto: number;
  raw?: number;
  offsets?: number;
  isEvent: boolean;
}

/** The FUNC_PROTO a typedef of a function pointer, or a FUNC, stands for. */
function protoOf(btf: Btf, t: BtfType): BtfFuncProto | undefined {
  let cur = t;
  for (let i = 0; i < 8; i++) {
    if (cur.kind === 'func_proto') return cur;
    if (cur.kind === 'typedef' || cur.kind === 'ptr' || cur.kind === 'func' || cur.kind === 'const') cur = btf.type(cur.type);
    else return undefined;
  }
  return undefined;
}

/** The prototype's arguments without the leading `void *__data` every tracepoint callback takes. */
function tpArgs(p: BtfFuncProto): { type: number; name: string }[] {
  return p.params.slice(1);
}

function sameTypes(a: { type: number }[], b: { type: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.type === b[i]!.type);
}

/** Fields of a class's record, or a message saying why they cannot be read. */
export function recordFields(btf: Btf, cls: ClassInfo): { fields: Field[]; problem?: string } {
  if (cls.raw === undefined) return { fields: [] };
  const members = btf.members(cls.raw);
  const dynNames = new Set(cls.offsets !== undefined ? btf.members(cls.offsets).map((m) => m.name) : []);
  const fields: Field[] = [];
  const start = members[0]?.name === 'ent' ? 1 : 0;
  if (start === 0) return { fields: [], problem: `struct trace_event_raw_${cls.name} does not start with 'struct trace_entry ent'` };
  for (const m of members.slice(start)) {
    if (m.name === '__data' && m === members[members.length - 1]) break;
    if (m.bitfieldSize) return { fields: [], problem: `struct trace_event_raw_${cls.name}: member ${m.name} is a bitfield, which trace event fields cannot be` };
    const dyn = /^__(data|rel)_loc_(.+)$/.exec(m.name);
    if (dyn) {
      const name = dyn[2]!;
      if (!dynNames.has(name)) {
        return { fields: [], problem: `struct trace_event_raw_${cls.name}: ${m.name} has no member ${name} in struct trace_event_data_offsets_${cls.name}` };
      }
      fields.push({ name, type: '', array: '[]', dynamic: dyn[1] === 'data' ? 'data_loc' : 'rel_loc', size: btf.sizeOf(m.type), offset: m.byteOffset });
      continue;
    }
    fields.push(fieldOf(btf, m.name, m.type, m.byteOffset));
  }
  return { fields };
}

function fieldOf(btf: Btf, name: string, typeId: number, offset: number): Field {
  const size = btf.sizeOf(typeId);
  const signed = btf.isSigned(typeId);
  const resolved = btf.type(btf.skipModifiers(typeId));
  const out: Field = { name, type: btf.cType(typeId), size, offset };
  if (resolved.kind === 'array') {
    // `char comm[16]`: element type and length apart, as the format files write them.
    out.type = btf.cType(resolved.type);
    out.array = resolved.nelems;
  }
  if (signed !== undefined) out.signed = signed;
  // __field_struct and arrays of structs: the kernel records is_signed 0 for what C has no sign for.
  else if (['struct', 'union'].includes(btf.type(btf.resolve(resolved.kind === 'array' ? resolved.type : typeId)).kind)) out.signed = false;
  return out;
}

/** `struct trace_entry` → the common fields (`common_type`, ...), or undefined when this BTF has none. */
export function commonFields(btf: Btf): Field[] | undefined {
  const entry = btf.byName('trace_entry', 'struct')[0];
  if (!entry) return undefined;
  return btf.members(entry.id).map((m) => fieldOf(btf, `common_${m.name}`, m.type, m.byteOffset));
}

/**
 * The tracepoints of one BTF: its own types only (a module's split BTF has the vmlinux base below it, whose
 * tracepoints are read once, from vmlinux). `where` names the input in problems.
 */
export interface ExtractOptions {
  /** Tracepoint → class from evidence outside BTF (a module's relocations of __bpf_raw_tp_map). */
  classOf?: ReadonlyMap<string, string>;
  /**
   * Groups of tracepoints known to share one class, without its name (a vmlinux's __bpf_raw_tp_map entries with
   * the same bpf_func address): a group's class is the one candidate left to all its members once the classes
   * of the other groups are taken.
   */
  sameClass?: readonly (readonly string[])[];
  /** Resolve a class shared by several prototypes by the longest class name prefixing the event's (default on). */
  resolveByPrefix?: boolean;
}

export function extractEvents(btf: Btf, where: string, opts: ExtractOptions = {}): BtfEvents {
  const problems: Problem[] = [];
  const tps = new Map<string, BtfType>();
  const traceIter = new Map<string, BtfType>();
  const probeStub = new Map<string, BtfType>();
  const classes = new Map<string, ClassInfo>();
  const raws = new Map<string, number>();
  const offsets = new Map<string, number>();
  const eventFns = new Set<string>();
  // By kind and name first: only the few thousand types that match are built as objects.
  const { first, end } = btf.ownIds();
  for (let id = first; id < end; id++) {
    const kind = btf.kindOf(id);
    if (kind !== 'typedef' && kind !== 'func' && kind !== 'struct') continue;
    const n = btf.nameOf(id);
    if (!n || (n.charCodeAt(0) !== 95 /* _ */ && n.charCodeAt(0) !== 98 /* b */ && n.charCodeAt(0) !== 116 /* t */)) continue;
    if (kind === 'typedef') {
      if (n.startsWith(TP_PREFIX)) tps.set(n.slice(TP_PREFIX.length), btf.type(id));
    } else if (kind === 'func') {
      if (n.startsWith('__bpf_trace_')) {
        const p = protoOf(btf, btf.type(id));
        if (p) classes.set(n.slice(12), { name: n.slice(12), proto: p.id, isEvent: false });
      } else if (n.startsWith('__traceiter_')) traceIter.set(n.slice(12), btf.type(id));
      else if (n.startsWith('__probestub_')) probeStub.set(n.slice(12), btf.type(id));
      else if (n.startsWith('trace_event_raw_event_')) eventFns.add(n.slice(22));
    } else {
      if (n.startsWith('trace_event_raw_')) raws.set(n.slice(16), id);
      else if (n.startsWith('trace_event_data_offsets_')) offsets.set(n.slice(25), id);
    }
  }
  for (const c of classes.values()) {
    const raw = raws.get(c.name);
    if (raw !== undefined) c.raw = raw;
    const off = offsets.get(c.name);
    if (off !== undefined) c.offsets = off;
    c.isEvent = raw !== undefined && eventFns.has(c.name);
  }
  // Classes by prototype: a tracepoint's candidates are the classes whose callback has its prototype.
  const byProto = new Map<number, ClassInfo[]>();
  for (const c of [...classes.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const l = byProto.get(c.proto);
    if (l) l.push(c);
    else byProto.set(c.proto, [c]);
  }
  const fieldsOf = new Map<string, { fields: Field[]; problem?: string }>();
  const layout = (c: ClassInfo) => {
    let f = fieldsOf.get(c.name);
    if (!f) {
      f = recordFields(btf, c);
      fieldsOf.set(c.name, f);
      if (f.problem) problems.push({ file: where, message: f.problem });
    }
    return f;
  };

  // Each tracepoint's candidate classes: by the named prototype where the kernel has one per tracepoint
  // (__probestub_, 6.4+), else by the argument types (the btf_trace_ typedef's prototype has no names, so it is
  // never the class's). A DEFINE_EVENT may name its arguments differently from its class (cpu_frequency of class
  // cpu), or spell them through other typedefs (`long long` for the class's `time64_t`): then the types decide.
  const candidatesOf = new Map<string, ClassInfo[]>();
  const byName = (a: ClassInfo, b: ClassInfo) => (a.name < b.name ? -1 : 1);
  for (const [name, td] of tps) {
    const tdProto = protoOf(btf, td);
    if (!tdProto) continue;
    const args = tpArgs(tdProto);
    const stub = probeStub.get(name);
    const stubProto = stub ? protoOf(btf, stub) : undefined;
    let candidates = stubProto ? (byProto.get(stubProto.id) ?? []) : [];
    if (candidates.length === 0) candidates = [...classes.values()].filter((c) => sameTypes(tpArgs(btf.type(c.proto) as BtfFuncProto), args)).sort(byName);
    if (candidates.length === 0) {
      const resolved = args.map((a) => ({ type: btf.resolve(a.type) }));
      candidates = [...classes.values()].filter((c) => sameTypes(tpArgs(btf.type(c.proto) as BtfFuncProto).map((a) => ({ type: btf.resolve(a.type) })), resolved)).sort(byName);
    }
    if (candidates.length > 1 && classes.has(name) && candidates.some((c) => c.name === name)) candidates = [classes.get(name)!];
    candidatesOf.set(name, candidates);
  }
  const classOf = new Map(opts.classOf ?? []);
  if (opts.sameClass) for (const [tp, cls] of classesFromGroups(opts.sameClass, candidatesOf)) if (!classOf.has(tp)) classOf.set(tp, cls);

  const events: EventDef[] = [];
  for (const name of [...tps.keys()].sort()) {
    const td = tps.get(name)!;
    const tdProto = protoOf(btf, td);
    if (!tdProto) {
      problems.push({ file: where, message: `typedef btf_trace_${name} (type id ${td.id}) is not a function pointer` });
      continue;
    }
    const args = tpArgs(tdProto);
    const stub = probeStub.get(name);
    let candidates = candidatesOf.get(name) ?? [];
    const known = classOf.get(name);
    if (known !== undefined && candidates.length > 1) {
      const c = candidates.find((x) => x.name === known);
      if (c) candidates = [c];
    }
    let byPrefix: ClassInfo | undefined;
    if (candidates.length > 1 && opts.resolveByPrefix !== false) {
      // DEFINE_EVENT(block_rq, block_rq_issue): the class's name is the event's name cut at an underscore.
      // Taken only when exactly one candidate's name is the longest such prefix, and said in the problems.
      const prefixes = candidates.filter((c) => name.startsWith(`${c.name}_`)).sort((a, b) => b.name.length - a.name.length);
      if (prefixes.length > 0 && (prefixes.length === 1 || prefixes[0]!.name.length > prefixes[1]!.name.length)) byPrefix = prefixes[0]!;
    }
    const named = traceIter.get(name) ?? stub;
    const namedProto = named ? protoOf(btf, named) : undefined;
    const argNames = namedProto && sameTypes(tpArgs(namedProto), args) ? tpArgs(namedProto).map((a) => a.name) : undefined;
    const single = candidates.length === 1 ? candidates[0]! : byPrefix;
    if (byPrefix) {
      problems.push({ file: where, message: `tracepoint ${name}: class is one of ${candidates.map((c) => c.name).join(', ')} (same prototype); taken to be ${byPrefix.name}, the longest that prefixes its name` });
    }
    const names = argNames ?? (single ? tpArgs(btf.type(single.proto) as BtfFuncProto).map((a) => a.name) : undefined);
    const proto: ProtoArg[] = args.map((a, i) => {
      const argName = names?.[i] || `arg${i}`;
      // A function pointer is written with its name inside, as the source writes it: `int (*fun)(unsigned int)`.
      const type = btf.cType(a.type);
      return { type: type.includes('(*') ? btf.cDecl(a.type, argName) : type, name: argName };
    });
    if (!names) problems.push({ file: where, message: `tracepoint ${name}: no prototype with argument names (no __traceiter_${name} or single class), arguments named arg0..` });

    if (candidates.length === 0) {
      problems.push({ file: where, message: `tracepoint ${name}: no __bpf_trace_<class> has its prototype, so its class and record are unknown` });
      events.push({ system: '', name, kind: 'tracepoint', proto, fields: [], fieldsUnknown: true });
      continue;
    }
    if (single) {
      const rec = single.isEvent ? layout(single) : { fields: [] };
      const ev: EventDef = { system: '', name, kind: single.isEvent ? 'event' : 'tracepoint', proto, fields: rec.fields };
      if (rec.problem) ev.fieldsUnknown = true;
      if (single.name !== name) ev.class = single.name;
      events.push(ev);
      continue;
    }
    // Several classes share the prototype (BTF deduplicates equal prototypes): the record is known only when
    // every candidate has the same one. Either way the ambiguity is said, never guessed away.
    const list = candidates.map((c) => c.name).join(', ');
    const kinds = new Set(candidates.map((c) => c.isEvent));
    const layouts = new Set(candidates.map((c) => JSON.stringify(c.isEvent ? layout(c).fields : [])));
    if (kinds.size === 1 && layouts.size === 1) {
      const c = candidates[0]!;
      problems.push({ file: where, message: `tracepoint ${name}: class is one of ${list} (same prototype); their records are the same, so its layout is known` });
      events.push({ system: '', name, kind: c.isEvent ? 'event' : 'tracepoint', proto, fields: c.isEvent ? layout(c).fields : [] });
    } else {
      problems.push({ file: where, message: `tracepoint ${name}: class is one of ${list} (same prototype) and their records differ, so its layout is unknown` });
      events.push({ system: '', name, kind: kinds.has(true) ? 'event' : 'tracepoint', proto, fields: [], fieldsUnknown: true });
    }
  }
  return { events, problems };
}

/**
 * Classes of groups of tracepoints that share one (each group a different class): a group's possible classes are
 * those every member could have; a group left with one takes it, and it is then no other group's. Repeated until
 * nothing changes. Only what is forced is returned: no group is given a class two could have.
 */
export function classesFromGroups(groups: readonly (readonly string[])[], candidatesOf: ReadonlyMap<string, readonly { name: string }[]>): Map<string, string> {
  const possible = groups.map((g) => {
    let set: Set<string> | undefined;
    for (const tp of g) {
      const c = new Set((candidatesOf.get(tp) ?? []).map((x) => x.name));
      set = set ? new Set([...set].filter((x) => c.has(x))) : c;
    }
    return set ?? new Set<string>();
  });
  const taken = new Map<number, string>();
  for (let changed = true; changed; ) {
    changed = false;
    const used = new Set(taken.values());
    possible.forEach((set, i) => {
      if (taken.has(i)) return;
      const left = [...set].filter((c) => !used.has(c));
      if (left.length === 1) {
        taken.set(i, left[0]!);
        used.add(left[0]!);
        changed = true;
      }
    });
  }
  const out = new Map<string, string>();
  for (const [i, cls] of taken) for (const tp of groups[i]!) out.set(tp, cls);
  return out;
}
