/**
 * Reading the definitions of one trace header (and the headers it includes by relative path): walks the
 * top-level statements in file order, applies #define/#undef/#include as they come, expands local helper
 * macros, and turns every definition macro into a raw definition. Layout and class resolution happen
 * later, once the whole tree is known (see ./tree.ts).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ProtoArg, PrintFormat } from '../../model/snapshot.js';
import { CTextError, matchingBracket, readStringLiterals, scanTopLevel, splitTopLevel } from '../../util/ctext.js';
import { type BranchRef, type FileModel, branchesAt, lineAt } from './filemodel.js';
import { ExpansionLimit, type MacroDef, expandMacros } from './macros.js';
import { FIELD_MACROS, type FieldSpec } from './layout.js';
import { CUSTOM_SYSTEM_MACRO, FORMS, type Form, IGNORED_FORMS, MACHINERY_NAMES, SYSTEM_MACRO } from './forms.js';

export interface RawProblem {
  file: string;
  line?: number;
  message: string;
}

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

export interface RawEvent {
  system: string;
  name: string;
  kind: 'event' | 'tracepoint';
  file: string;
  line: number;
  condition?: string;
  /** The class name (DEFINE_EVENT*) or the event's own body (TRACE_EVENT*). */
  className?: string;
  body?: ClassBody;
  proto?: ProtoArg[];
  print?: PrintFormat;
  /** Classes visible where the event was defined (same compilation unit). */
  unit: Map<string, ClassBody>;
}

export interface ExtractResult {
  events: RawEvent[];
  classes: ClassBody[];
  problems: RawProblem[];
  /** Files read as part of this unit (the header and what it includes). */
  files: string[];
}

interface LiveDef extends MacroDef {
  path: BranchRef[];
  cond: string[];
}

/** Names never expanded as local macros: the machinery's (./forms.ts) and the field macros. */
const RESERVED: ReadonlySet<string> = new Set([...MACHINERY_NAMES, ...FIELD_MACROS]);

/** Top-level names that look like trace definitions; unknown ones are reported, not dropped. */
const TRACE_LIKE = /(^|_)(TRACE|EVENT|TRACEPOINT)(_|$)/;

const ws = (s: string): string => s.replace(/\s+/g, ' ').trim();

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
  const inner = unwrap(text, ['TP_printk']);
  const lit = readStringLiterals(inner, 0);
  if (!lit) return undefined;
  const rest = inner.slice(lit.end).trim();
  const args = rest.startsWith(',') ? splitTopLevel(rest.slice(1)) : [];
  return { fmt: lit.text, args: args.map((a) => ws(a.replace(/__entry\s*->\s*/g, 'REC->'))) };
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

export interface TreeAccess {
  /** Reads a file of the tree (relative path) or returns undefined. */
  model(rel: string): FileModel | undefined;
}

/**
 * Extracts one header as a compilation unit. `system` is the TRACE_SYSTEM in force before it (none for a
 * top-level header).
 */
/** Top-level macro invocations expanded per header unit; real headers need a few hundred. */
const MAX_TOP_EXPANSIONS = 20_000;
/**
 * Unbalanced lines read in one header before the rest of it is skipped: each retry from the next line
 * scans to the end of the file for its closing bracket, so without a cap 20,000 lines of `n(` took 25 s.
 */
const MAX_UNBALANCED = 50;

export function extractUnit(top: string, tree: TreeAccess): ExtractResult {
  const res: ExtractResult = { events: [], classes: [], problems: [], files: [] };
  let topExpansions = 0;
  let capReported = false;
  const unit = new Map<string, ClassBody>();
  const live = new Map<string, LiveDef[]>();
  let system: string | undefined;
  let customSystem: string | undefined;
  const stack: string[] = [];

  const exclusive = (a: BranchRef[], b: BranchRef[]): boolean => a.some((x) => b.some((y) => x.id === y.id && x.index !== y.index));

  const lookupLast = (name: string): MacroDef | undefined => {
    if (RESERVED.has(name)) return undefined;
    const defs = live.get(name);
    return defs?.[defs.length - 1];
  };

  const condOf = (model: FileModel, pos: number, prefix: string[]): string[] => [
    ...prefix,
    ...branchesAt(model, pos).flatMap((b) => (b.cond ? [b.cond] : [])),
  ];

  const applyDirective = (model: FileModel, d: FileModel['directives'][number], prefix: string[]): void => {
    if (d.kind === 'define') {
      if (d.name === SYSTEM_MACRO) system = d.body.replace(/^"|"$/g, '');
      if (d.name === CUSTOM_SYSTEM_MACRO) customSystem = d.body.replace(/^"|"$/g, '');
      const branches = branchesAt(model, d.pos);
      const path = branches.map((b) => ({ id: b.id, index: b.index, file: model.file }));
      const def: LiveDef = { name: d.name, body: d.body, path: path.map((p) => ({ id: hashId(p.file, p.id), index: p.index })), cond: condOf(model, d.pos, prefix) };
      if (d.params) def.params = d.params;
      if (d.variadic) def.variadic = d.variadic;
      const prev = live.get(d.name) ?? [];
      const keep = prev.filter((p) => exclusive(p.path, def.path));
      live.set(d.name, [...keep, def]);
    } else if (d.kind === 'undef') {
      live.delete(d.name);
    } else if (d.kind === 'include' && (d.relative || d.path.startsWith('trace/misc/'))) {
      // Relative includes, and the print helpers of include/trace/misc/ that trace headers pull in.
      const rel = d.relative ? path.posix.normalize(path.posix.join(path.posix.dirname(model.file), d.path)) : `include/${d.path}`;
      if (rel.startsWith('..') || stack.includes(rel)) return;
      const inc = tree.model(rel);
      if (!inc) return;
      runFile(inc, condOf(model, d.pos, prefix));
    }
  };

  const problem = (file: string, line: number | undefined, message: string): void => {
    const p: RawProblem = { file, message };
    if (line !== undefined) p.line = line;
    res.problems.push(p);
  };

  const handleForm = (
    name: string,
    argsText: string,
    file: string,
    line: number,
    cond: string[],
  ): void => {
    const form = FORMS[name];
    if (!form) return;
    let args: string[];
    /** Line of each argument's first character. */
    const argLines: number[] = [];
    try {
      const exp = expandMacros(argsText, lookupLast);
      args = splitTopLevel(exp);
      let at = 0;
      for (const a of args) {
        const idx = exp.indexOf(a, at);
        argLines.push(line + (exp.slice(0, Math.max(0, idx)).match(/\n/g) ?? []).length);
        at = idx < 0 ? at : idx + a.length;
      }
    } catch (e) {
      if (e instanceof ExpansionLimit || e instanceof CTextError) {
        problem(file, line, `${name}: ${e.message}`);
        return;
      }
      throw e;
    }
    if (args.length < form.arity) {
      problem(file, line, `${name} with ${args.length} arguments (expected ${form.arity})`);
      return;
    }
    const sys = form.custom ? (customSystem ?? 'custom') : system;
    const arch = archCondition(file);
    const allCond = arch && !cond.includes(arch) ? [arch, ...cond] : cond;
    const condition = allCond.length ? allCond.join(' && ') : undefined;
    // Event names are pasted into C names (trace_event_raw_##name), so `9p_fid_ref` is fine.
    const ident = (s: string): string | undefined => (/^\w+$/.test(s.trim()) ? s.trim() : undefined);
    try {
      if (form.kind === 'define') {
        const template = ident(args[form.template!]!);
        const evName = ident(args[form.name]!);
        if (!template || !evName) return problem(file, line, `${name}: cannot read names '${ws(args[form.template!]!)}', '${ws(args[form.name]!)}'`);
        if (!sys) return problem(file, line, `${name}(${evName}): no TRACE_SYSTEM defined before it`);
        const ev: RawEvent = { system: sys, name: evName, kind: 'event', file, line, className: template, unit, proto: parseProto(args[form.proto]!) };
        if (condition) ev.condition = condition;
        if (form.print !== undefined) {
          const p = parsePrint(args[form.print]!);
          if (p) ev.print = p;
          else problem(file, line, `${name}(${evName}): cannot read TP_printk`);
        }
        res.events.push(ev);
        return;
      }
      const evName = ident(args[form.name]!);
      if (!evName) return problem(file, line, `${name}: cannot read name '${ws(args[form.name]!)}'`);
      if (form.kind === 'tracepoint') {
        if (!sys) return problem(file, line, `${name}(${evName}): no TRACE_SYSTEM defined before it`);
        const ev: RawEvent = { system: sys, name: evName, kind: 'tracepoint', file, line, unit, proto: parseProto(args[form.proto]!) };
        if (condition) ev.condition = condition;
        res.events.push(ev);
        return;
      }
      const body = readBody(evName, args, form, file, line, argLines[form.struct!] ?? line);
      // A TRACE_EVENT is also a class of its own name (DEFINE_EVENT may use it as a template).
      unit.set(evName, body);
      res.classes.push(body);
      if (form.kind === 'class') return;
      if (!sys) return problem(file, line, `${name}(${evName}): no TRACE_SYSTEM defined before it`);
      const ev: RawEvent = { system: sys, name: evName, kind: 'event', file, line, body, unit };
      if (condition) ev.condition = condition;
      res.events.push(ev);
    } catch (e) {
      if (e instanceof CTextError) return problem(file, line, `${name}: ${e.message}`);
      throw e;
    }
  };

  const readBody = (name: string, args: string[], form: Form, file: string, line: number, structLine: number): ClassBody => {
    const fl = parseFieldList(args[form.struct!]!, structLine);
    const body: ClassBody = { name, file, line, proto: parseProto(args[form.proto]!), fields: fl.fields, fieldProblems: fl.problems, assign: parseAssign(args[form.assign!]!), assignDigest: assignDigest(args[form.assign!]!) };
    const writes = parseWrites(args[form.assign!]!);
    if (writes) body.writes = writes;
    const p = parsePrint(args[form.print!]!);
    if (p) body.print = p;
    else body.fieldProblems.push('cannot read TP_printk');
    for (const msg of fl.problems) problem(file, line, `${name}: ${msg}`);
    if (!p) problem(file, line, `${name}: cannot read TP_printk`);
    return body;
  };

  /** Walks top-level statements of `text` (a file's blanked text or an expansion). */
  const unbalanced = new Map<string, number>();
  const walk = (model: FileModel, text: string, prefix: string[], fixedLine: number | undefined, extraCond: string[], applyUpTo: (pos: number) => void, depth: number): void => {
    let pos = 0;
    const lineOf = (p: number): number => fixedLine ?? lineAt(model.lineStarts, p);
    const idRe = /[A-Za-z_]\w*/y;
    while (pos < text.length) {
      const c = text[pos]!;
      if (/[\s;]/.test(c)) {
        pos++;
        continue;
      }
      applyUpTo(pos);
      idRe.lastIndex = pos;
      const m = idRe.exec(text);
      const line = lineOf(pos);
      try {
        if (m) {
          const name = m[0];
          let k = pos + name.length;
          while (k < text.length && /\s/.test(text[k]!)) k++;
          const hasArgs = text[k] === '(';
          const defs = RESERVED.has(name) ? undefined : live.get(name);
          if (defs && defs.length > 0 && (hasArgs || !defs[0]!.params)) {
            const end = hasArgs ? matchingBracket(text, k) + 1 : pos + name.length;
            const call = text.slice(pos, end);
            if (depth > 32) {
              problem(model.file, line, `${name}: top-level macro expansion deeper than 32 levels`);
            } else if (++topExpansions > MAX_TOP_EXPANSIONS) {
              // A macro that expands to two copies of itself doubles at every level: cap the work per unit.
              if (!capReported) problem(model.file, line, `${name}: more than ${MAX_TOP_EXPANSIONS} top-level macro expansions in one header (recursive macro?)`);
              capReported = true;
            } else {
              // Aliases chosen under #ifdef: one expansion per alternative definition, each under its condition.
              for (const alt of defs) {
                const others = defs.length > 1 ? alt.cond : [];
                let expanded: string;
                try {
                  expanded = expandMacros(call, (n) => (n === name ? alt : lookupLast(n)));
                } catch (e) {
                  if (e instanceof ExpansionLimit || e instanceof CTextError) {
                    problem(model.file, line, `${name}: ${e.message}`);
                    continue;
                  }
                  throw e;
                }
                walk(model, expanded, prefix, line, [...extraCond, ...others], () => {}, depth + 1);
              }
            }
            pos = end;
            continue;
          }
          if (hasArgs) {
            const close = matchingBracket(text, k);
            if (FORMS[name]) {
              const cond = fixedLine === undefined ? [...condOf(model, pos, prefix), ...extraCond] : [...walkCond, ...extraCond];
              handleForm(name, text.slice(k + 1, close), model.file, line, [...new Set(cond)]);
            } else if (!IGNORED_FORMS.has(name) && TRACE_LIKE.test(name)) {
              problem(model.file, line, `unknown top-level form ${name}(...)`);
            }
            pos = close + 1;
            continue;
          }
        }
        // A C statement or declaration: skip to its ';' or the end of its braces.
        let end = text.length;
        let sawBrace = false;
        scanTopLevel(text, pos, (i, ch, d) => {
          if (d === 0 && ch === ';') {
            end = i + 1;
            return true;
          }
          if (d === 0 && ch === '{') sawBrace = true;
          if (d === 0 && ch === '}' && sawBrace) {
            end = i + 1;
            return true;
          }
          return false;
        });
        pos = Math.max(end, pos + 1);
      } catch (e) {
        if (!(e instanceof CTextError)) throw e;
        const count = (unbalanced.get(model.file) ?? 0) + 1;
        unbalanced.set(model.file, count);
        if (count > MAX_UNBALANCED) {
          problem(model.file, line, `more than ${MAX_UNBALANCED} unbalanced lines: the rest of the file is skipped`);
          pos = text.length;
          continue;
        }
        problem(model.file, line, `unbalanced text: ${e.message}; skipped to the next line`);
        const nl = text.indexOf('\n', pos);
        pos = nl < 0 ? text.length : nl + 1;
      }
    }
  };
  // Conditions of the outermost invocation while walking an expansion (set by runFile per statement).
  let walkCond: string[] = [];

  const runFile = (model: FileModel, prefix: string[]): void => {
    stack.push(model.file);
    res.files.push(model.file);
    for (const p of model.problems) problem(model.file, p.line, p.message);
    let di = 0;
    const applyUpTo = (pos: number): void => {
      while (di < model.directives.length && model.directives[di]!.pos < pos) applyDirective(model, model.directives[di++]!, prefix);
      walkCond = condOf(model, pos, prefix);
    };
    walk(model, model.text, prefix, undefined, [], applyUpTo, 0);
    applyUpTo(Number.POSITIVE_INFINITY);
    stack.pop();
  };

  const topModel = tree.model(top);
  if (topModel) runFile(topModel, []);
  return res;
}

function hashId(file: string, id: number): number {
  let h = id * 31;
  for (let i = 0; i < file.length; i++) h = (h * 33 + file.charCodeAt(i)) | 0;
  return h;
}

/** Architecture symbols of arch/<dir>/ whose Kconfig name is not the upper-cased directory name. */
const ARCH_SYMBOLS: Record<string, string> = { powerpc: 'PPC', um: 'UML', parisc: 'PARISC', x86: 'X86' };

/** Definitions under arch/<a>/ only exist on that architecture: recorded as `defined(CONFIG_<A>)`. */
export function archCondition(file: string): string | undefined {
  const m = /^arch\/([^/]+)\//.exec(file);
  if (!m) return undefined;
  return `defined(CONFIG_${ARCH_SYMBOLS[m[1]!] ?? m[1]!.toUpperCase()})`;
}
