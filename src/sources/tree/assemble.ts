/**
 * Assembling a tree's events from what its units read: each event's class found (its unit's, else the one
 * class of that name in the tree), its fields laid out for x86_64 after the common header, its call sites
 * counted; a second definition of the same event (same condition) is reported and the first kept.
 */
import type { EventDef, Field, Problem } from '../../model/snapshot.js';
import type { RawEvent } from './definitions.js';
import type { ClassBody } from './bodies.js';
import { type Shape, TypeResolver, fieldShape, layoutFields } from './layout.js';

export interface AssemblyInput {
  raw: readonly RawEvent[];
  classes: readonly ClassBody[];
  /** `trace_<x>` call counts and token-pasting call generators of the file pass. */
  calls: ReadonlyMap<string, number>;
  pastes: readonly Paste[];
  /** The type resolver of a file's directory. */
  typesFor: (file: string) => TypeResolver;
  /** Where the event's own fields start (after struct trace_entry); undefined: offsets unknown. */
  headerEnd: number | undefined;
  problems: Problem[];
}

export function assembleEvents({ raw, classes: allClasses, calls, pastes, typesFor, headerEnd, problems }: AssemblyInput): EventDef[] {
  // Classes by name across the tree, for DEFINE_EVENTs whose class lives in another unit.
  const globalClasses = new Map<string, ClassBody[]>();
  for (const c of allClasses) globalClasses.set(c.name, [...(globalClasses.get(c.name) ?? []), c]);

  const layoutCache = new Map<ClassBody, Field[]>();
  const layoutOf = (b: ClassBody): Field[] => {
    let f = layoutCache.get(b);
    if (!f) {
      const shapes: { shape: Shape; spec: ClassBody['fields'][number] }[] = [];
      let broken = false;
      for (const spec of b.fields) {
        const s = fieldShape(spec);
        if (typeof s === 'string') {
          problems.push({ file: b.file, line: spec.line, message: `${b.name}: ${s}` });
          broken = true;
          continue;
        }
        shapes.push({ shape: s, spec });
      }
      f = layoutFields(shapes, typesFor(b.file), headerEnd ?? Number.NaN);
      if (broken || headerEnd === undefined || b.fieldProblems.length > 0) {
        // A field that could not be read makes every offset after the first gap unknown.
        f = f.map((x) => {
          const { offset: _o, ...rest } = x;
          return rest;
        });
      }
      layoutCache.set(b, f);
    }
    return f;
  };

  const events: EventDef[] = [];
  const keys = new Map<string, RawEvent>();
  for (const r of raw) {
    const key = `${r.system}:${r.name}\0${r.condition ?? ''}`;
    const prev = keys.get(key);
    if (prev) {
      if (prev.file !== r.file || prev.line !== r.line) {
        problems.push({ file: r.file, line: r.line, message: `${r.system}:${r.name} defined again (first at ${prev.file}:${prev.line}); kept the first` });
      }
      continue;
    }
    keys.set(key, r);
    const ev: EventDef = { system: r.system, name: r.name, kind: r.kind, fields: [], location: { file: r.file, line: r.line } };
    if (r.condition) ev.condition = r.condition;
    let body = r.body;
    if (r.className) {
      body = r.unit.get(r.className);
      if (!body) {
        const g = globalClasses.get(r.className);
        if (g && g.length === 1) body = g[0];
      }
      if (!body) {
        problems.push({ file: r.file, line: r.line, message: `${r.system}:${r.name}: event class ${r.className} not found` });
        continue;
      }
      ev.class = r.className;
    }
    if (body) {
      ev.fields = layoutOf(body);
      if (body.proto) ev.proto = body.proto;
      if (body.print) ev.print = body.print;
      const assign: Record<string, string> = {};
      const names = new Set(ev.fields.map((f) => f.name));
      for (const [k, v] of Object.entries(body.assign)) if (names.has(k)) assign[k] = v;
      if (Object.keys(assign).length) ev.assign = assign;
      if (body.writes) {
        const writes = new Set(body.writes);
        ev.written = ev.fields.map((f) => f.name).filter((n) => writes.has(n));
      }
      ev.assignDigest = body.assignDigest;
    }
    if (r.proto) ev.proto = r.proto;
    if (r.print) ev.print = r.print;
    ev.calls = callsOf(r.name, r.file, calls, pastes);
    events.push(ev);
  }
  return events;
}

/** The common fields (`struct trace_entry`) and where an event's own fields start after them. */
export function commonHeader(read: (rel: string) => string | undefined, types: TypeResolver, problems: Problem[]): { common: Field[]; headerEnd: number | undefined } {
  const common = commonFields(read, types, problems);
  const commonSize = common.length > 0 && common.every((f) => f.size !== undefined && f.offset !== undefined)
    ? Math.max(...common.map((f) => f.offset! + f.size!))
    : undefined;
  const headerEnd = commonSize === undefined ? undefined : Math.ceil(commonSize / 4) * 4;
  return { common, headerEnd };
}

/** A `trace_<prefix>##…` paste: the file's directory, the prefixes, and (for a .c file) its identifiers. */
export interface Paste {
  prefixes: string[];
  dir: string;
  idents?: Set<string>;
}

/**
 * `generated` when a paste could produce the name. A paste in a .c file: the prefix and the rest of the name
 * among that file's identifiers. A paste in a header (a macro used from other files: bcachefs, cgroup, rv):
 * the prefix alone, and for an empty prefix (`trace_##name`) only the events of the macro's own subsystem.
 */
function callsOf(name: string, file: string, calls: ReadonlyMap<string, number>, pastes: readonly Paste[]): EventDef['calls'] {
  const count = (calls.get(name) ?? 0) + (calls.get(`${name}_enabled`) ?? 0) + (calls.get(`${name}_rcuidle`) ?? 0);
  const subsystem = file.split('/').slice(0, 2).join('/');
  const generated = pastes.some((p) =>
    p.prefixes.some((pre) => {
      if (!name.startsWith(pre) || name.length === pre.length) return false;
      if (p.idents) return p.idents.has(name.slice(pre.length));
      return pre !== '' || p.dir === subsystem || p.dir.startsWith(`${subsystem}/`);
    }),
  );
  return generated ? { count, generated } : { count };
}

/** `struct trace_entry` from include/linux/trace_events.h, laid out for x86_64. */
function commonFields(read: (rel: string) => string | undefined, types: TypeResolver, problems: Problem[]): Field[] {
  const file = 'include/linux/trace_events.h';
  const text = read(file);
  const m = text ? /struct\s+trace_entry\s*\{([^}]*)\}/.exec(text) : null;
  if (!m) {
    problems.push({ file, message: 'struct trace_entry not found: common fields unknown' });
    return [];
  }
  const members = m[1]!.split(';').map((s) => s.trim()).filter(Boolean);
  const specs = members.map((s) => {
    const mm = /^(.*?)\s*\b(\w+)$/s.exec(s);
    return { type: mm?.[1] ?? s, name: `common_${mm?.[2] ?? '?'}` };
  });
  const fields = layoutFields(
    specs.map((s) => ({ shape: { name: s.name, type: s.type, elem: s.type }, spec: { macro: '', args: [], line: 0 } })),
    types,
    0,
  );
  return fields.map((f) => {
    const { macro: _m, line: _l, ...rest } = f;
    return rest;
  });
}
