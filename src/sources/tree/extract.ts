/**
 * Reading the definitions of one trace header (and the headers it includes by relative path): walks the
 * top-level statements in file order, applies #define/#undef/#include as they come, expands local helper
 * macros, and hands every definition macro to ./definitions.ts, which reads it into a raw definition. Layout
 * and class resolution happen later, once the whole tree is known (see ./assemble.ts).
 */
import path from 'node:path';
import { CTextError, matchingBracket, scanTopLevel } from '../../util/ctext.js';
import { type BranchRef, type FileModel, branchesAt, lineAt } from './filemodel.js';
import { ExpansionLimit, type MacroDef, expandMacros } from './macros.js';
import { FIELD_MACROS } from './layout.js';
import { CUSTOM_SYSTEM_MACRO, FORMS, IGNORED_FORMS, MACHINERY_NAMES, SYSTEM_MACRO } from './forms.js';
import type { ClassBody } from './bodies.js';
import { type DefinitionContext, type RawEvent, readDefinition } from './definitions.js';

export interface RawProblem {
  file: string;
  line?: number;
  message: string;
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

export interface TreeAccess {
  /** Reads a file of the tree (relative path) or returns undefined. */
  model(rel: string): FileModel | undefined;
  /**
   * Whether a file of the tree defines events. `#include <x/y.h>` is followed to `<dir>/x/y.h` beside the
   * including file when that file defines events: kbuild's `ccflags-y += -I $(src)` (kernel/trace/rv/rv_trace.h
   * includes `<monitors/nrp/nrp_trace.h>` so).
   */
  definesEvents?(rel: string): boolean;
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
    } else if (d.kind === 'include' && (d.relative || d.path.startsWith('trace/misc/') || tree.definesEvents?.(besideFile(model.file, d.path)))) {
      // Relative includes, the print helpers of include/trace/misc/ that trace headers pull in, and
      // definitions beside the file reached through `-I $(src)`.
      const rel = d.relative || !d.path.startsWith('trace/misc/') ? besideFile(model.file, d.path) : `include/${d.path}`;
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
  /**
   * Definitions read with no TRACE_SYSTEM in force, by file: a snippet meant to be included from a header
   * that defines one (rv's monitors/*_trace.h), read alone because no such header included it. One problem
   * per file, naming its events, rather than one per event: the unit is what could not be read.
   */
  const orphans = new Map<string, { line: number; names: string[] }>();
  const orphan = (file: string, line: number, evName: string): void => {
    const o = orphans.get(file);
    if (o) o.names.push(evName);
    else orphans.set(file, { line, names: [evName] });
  };

  const definitions: DefinitionContext = {
    lookup: lookupLast,
    system: () => system,
    customSystem: () => customSystem,
    unit,
    events: res.events,
    classes: res.classes,
    problem,
    orphan,
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
              readDefinition(name, text.slice(k + 1, close), model.file, line, [...new Set(cond)], definitions);
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
  for (const [file, o] of orphans) {
    const names = o.names.length > 4 ? `${o.names.slice(0, 4).join(', ')}, … (${o.names.length})` : o.names.join(', ');
    problem(file, o.line, `${o.names.length} definition(s) with no TRACE_SYSTEM (${names}): a snippet for a header that defines TRACE_SYSTEM and includes it, and none here does`);
  }
  return res;
}

/** `inc` as a path beside `file` (normalized, tree-relative). */
function besideFile(file: string, inc: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), inc));
}

function hashId(file: string, id: number): number {
  let h = id * 31;
  for (let i = 0; i < file.length; i++) h = (h * 33 + file.charCodeAt(i)) | 0;
  return h;
}
