/**
 * One definition form's invocation, read into a raw definition: its arguments expanded with the unit's
 * macros and split, checked against the form's arity (./forms.ts), then an event of a class, a bare
 * tracepoint, or a body (./bodies.ts) that is a class and, for TRACE_EVENT*, an event of its own.
 */
import type { PrintFormat, ProtoArg } from '../../model/snapshot.js';
import { CTextError, splitTopLevel } from '../../util/ctext.js';
import { ExpansionLimit, type MacroDef, expandMacros } from './macros.js';
import { FORMS } from './forms.js';
import { type ClassBody, collapseSpace, parsePrint, parseProto, readClassBody } from './bodies.js';

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

/** What reading a definition needs from the unit being walked, and where what it reads goes. */
export interface DefinitionContext {
  /** The unit's macro in force for a name (none for the machinery's own). */
  lookup: (name: string) => MacroDef | undefined;
  /** TRACE_SYSTEM and TRACE_CUSTOM_SYSTEM as they stand now. */
  system: () => string | undefined;
  customSystem: () => string | undefined;
  /** The unit's classes so far, by name (TRACE_EVENT bodies included). */
  unit: Map<string, ClassBody>;
  events: RawEvent[];
  classes: ClassBody[];
  problem: (file: string, line: number | undefined, message: string) => void;
  /** A definition read with no system in force. */
  orphan: (file: string, line: number, evName: string) => void;
}

/** Reads `name(argsText)` at `file:line` under the #if conditions `cond`; does nothing for a name that is no form. */
export function readDefinition(name: string, argsText: string, file: string, line: number, cond: string[], ctx: DefinitionContext): void {
  const form = FORMS[name];
  if (!form) return;
  let args: string[];
  /** Line of each argument's first character. */
  const argLines: number[] = [];
  try {
    const exp = expandMacros(argsText, ctx.lookup);
    args = splitTopLevel(exp);
    let at = 0;
    for (const a of args) {
      const idx = exp.indexOf(a, at);
      argLines.push(line + (exp.slice(0, Math.max(0, idx)).match(/\n/g) ?? []).length);
      at = idx < 0 ? at : idx + a.length;
    }
  } catch (e) {
    if (e instanceof ExpansionLimit || e instanceof CTextError) {
      ctx.problem(file, line, `${name}: ${e.message}`);
      return;
    }
    throw e;
  }
  if (args.length < form.arity) {
    ctx.problem(file, line, `${name} with ${args.length} arguments (expected ${form.arity})`);
    return;
  }
  const sys = form.custom ? (ctx.customSystem() ?? 'custom') : ctx.system();
  const arch = archCondition(file);
  const allCond = arch && !cond.includes(arch) ? [arch, ...cond] : cond;
  const condition = allCond.length ? allCond.join(' && ') : undefined;
  // Event names are pasted into C names (trace_event_raw_##name), so `9p_fid_ref` is fine.
  const ident = (s: string): string | undefined => (/^\w+$/.test(s.trim()) ? s.trim() : undefined);
  try {
    if (form.kind === 'define') {
      const template = ident(args[form.template!]!);
      const evName = ident(args[form.name]!);
      if (!template || !evName) return ctx.problem(file, line, `${name}: cannot read names '${collapseSpace(args[form.template!]!)}', '${collapseSpace(args[form.name]!)}'`);
      if (!sys) return ctx.orphan(file, line, evName);
      const ev: RawEvent = { system: sys, name: evName, kind: 'event', file, line, className: template, unit: ctx.unit, proto: parseProto(args[form.proto]!) };
      if (condition) ev.condition = condition;
      if (form.print !== undefined) {
        const p = parsePrint(args[form.print]!);
        if (p) ev.print = p;
        else ctx.problem(file, line, `${name}(${evName}): cannot read TP_printk`);
      }
      ctx.events.push(ev);
      return;
    }
    const evName = ident(args[form.name]!);
    if (!evName) return ctx.problem(file, line, `${name}: cannot read name '${collapseSpace(args[form.name]!)}'`);
    if (form.kind === 'tracepoint') {
      if (!sys) return ctx.orphan(file, line, evName);
      const ev: RawEvent = { system: sys, name: evName, kind: 'tracepoint', file, line, unit: ctx.unit, proto: parseProto(args[form.proto]!) };
      if (condition) ev.condition = condition;
      ctx.events.push(ev);
      return;
    }
    const { body, problems: bodyProblems } = readClassBody(evName, args, form, file, line, argLines[form.struct!] ?? line);
    for (const msg of bodyProblems) ctx.problem(file, line, `${evName}: ${msg}`);
    // A TRACE_EVENT is also a class of its own name (DEFINE_EVENT may use it as a template).
    ctx.unit.set(evName, body);
    ctx.classes.push(body);
    if (form.kind === 'class') return;
    if (!sys) return ctx.orphan(file, line, evName);
    const ev: RawEvent = { system: sys, name: evName, kind: 'event', file, line, body, unit: ctx.unit };
    if (condition) ev.condition = condition;
    ctx.events.push(ev);
  } catch (e) {
    if (e instanceof CTextError) return ctx.problem(file, line, `${name}: ${e.message}`);
    throw e;
  }
}

/** Architecture symbols of arch/<dir>/ whose Kconfig name is not the upper-cased directory name. */
const ARCH_SYMBOLS: Record<string, string> = { powerpc: 'PPC', um: 'UML', parisc: 'PARISC', x86: 'X86' };

/** Definitions under arch/<a>/ only exist on that architecture: recorded as `defined(CONFIG_<A>)`. */
export function archCondition(file: string): string | undefined {
  const m = /^arch\/([^/]+)\//.exec(file);
  if (!m) return undefined;
  return `defined(CONFIG_${ARCH_SYMBOLS[m[1]!] ?? m[1]!.toUpperCase()})`;
}
