/**
 * The trace definition forms in one table: each macro's kind and where each of its arguments sits. The file
 * pass (./scan.ts, which files may define events), the unit walker (./tree.ts, which files are units) and the
 * extractor (./extract.ts, what each argument is) all read it: reading an argument differently, or a form
 * the kernel adds, is an edit here. The positions are the parameter lists of the kernel's own definitions
 * (include/trace/define_trace.h, trace_events.h, bpf_probe.h, trace_custom_events.h, include/linux/tracepoint.h);
 * test/tree/forms.test.ts checks them against those headers as Debian ships them.
 */

/**
 * `event`: an event with its own body (TRACE_EVENT*). `class`: a body that events instantiate
 * (DECLARE_EVENT_CLASS*). `define`: an event instantiating a class (DEFINE_EVENT*). `tracepoint`: a bare
 * tracepoint without a trace event (DECLARE_TRACE*).
 */
export type FormKind = 'event' | 'class' | 'define' | 'tracepoint';

/** Argument positions of one definition form (0-based); a role the form does not have is absent. */
export interface Form {
  kind: FormKind;
  /** How many arguments the form takes; fewer is reported as a problem. */
  arity: number;
  /** The event's (or class's, or tracepoint's) name. */
  name: number;
  /** `define` forms: the class the event instantiates. */
  template?: number;
  proto: number;
  args: number;
  /** TP_CONDITION(...): when the tracepoint fires (not an #if condition). */
  condition?: number;
  /** TP_STRUCT__entry(...), TP_fast_assign(...), TP_printk(...): the body (`event`, `class`), or a print override. */
  struct?: number;
  assign?: number;
  print?: number;
  /** Functions run when the first probe attaches and the last detaches (`*_FN`). */
  reg?: number;
  unreg?: number;
  /** `*_WRITABLE`: the size of the buffer a BPF program may write. */
  writableSize?: number;
  /** The event's system is TRACE_CUSTOM_SYSTEM (custom events over existing tracepoints). */
  custom?: boolean;
}

const event = { kind: 'event', arity: 6, name: 0, proto: 1, args: 2, struct: 3, assign: 4, print: 5 } as const satisfies Form;
const eventWithCondition = { kind: 'event', arity: 7, name: 0, proto: 1, args: 2, condition: 3, struct: 4, assign: 5, print: 6 } as const satisfies Form;
const define = { kind: 'define', arity: 4, template: 0, name: 1, proto: 2, args: 3 } as const satisfies Form;
const tracepoint = { kind: 'tracepoint', arity: 3, name: 0, proto: 1, args: 2 } as const satisfies Form;

/** Every definition form a snapshot records. */
export const FORMS: Readonly<Record<string, Form>> = {
  TRACE_EVENT: event,
  TRACE_EVENT_CONDITION: eventWithCondition,
  TRACE_EVENT_FN: { ...event, arity: 8, reg: 6, unreg: 7 },
  TRACE_EVENT_FN_COND: { ...eventWithCondition, arity: 9, reg: 7, unreg: 8 },
  TRACE_CUSTOM_EVENT: { ...event, custom: true },
  DECLARE_EVENT_CLASS: { ...event, kind: 'class' },
  DECLARE_CUSTOM_EVENT_CLASS: { ...event, kind: 'class', custom: true },
  // Defined by no kernel source Debian ships (6.1, 6.12) nor upstream's as far as known: read like DECLARE_EVENT_CLASS.
  DECLARE_EVENT_CLASS_WRITABLE: { ...event, kind: 'class' },
  DEFINE_EVENT: define,
  DEFINE_CUSTOM_EVENT: { ...define, custom: true },
  DEFINE_EVENT_FN: { ...define, arity: 6, reg: 4, unreg: 5 },
  DEFINE_EVENT_CONDITION: { ...define, arity: 5, condition: 4 },
  DEFINE_EVENT_WRITABLE: { ...define, arity: 5, writableSize: 4 },
  DEFINE_EVENT_PRINT: { ...define, arity: 5, print: 4 },
  DECLARE_TRACE: tracepoint,
  DECLARE_TRACE_CONDITION: { ...tracepoint, arity: 4, condition: 3 },
  DECLARE_TRACE_WRITABLE: { ...tracepoint, arity: 4, writableSize: 3 },
  // 6.14+: a bare tracepoint that also gets a tracefs interface is still declared this way.
  DECLARE_TRACE_EVENT: tracepoint,
  DECLARE_TRACE_EVENT_CONDITION: { ...tracepoint, arity: 4, condition: 3 },
};

/** Forms that define nothing a snapshot records (attributes, enum exports, declarations, disabled events). */
export const IGNORED_FORMS: ReadonlySet<string> = new Set([
  'TRACE_EVENT_FLAGS', 'TRACE_EVENT_PERF_PERM', 'TRACE_DEFINE_ENUM', 'TRACE_DEFINE_SIZEOF', 'DECLARE_TRACEPOINT',
  'DEFINE_EVENT_NOP', 'TRACE_EVENT_NOP', 'DECLARE_EVENT_CLASS_NOP', 'DECLARE_EVENT_NOP',
  'EXPORT_TRACEPOINT_SYMBOL', 'EXPORT_TRACEPOINT_SYMBOL_GPL',
]);

/** The macros that name a header's system, for the events after them (`custom` forms use the second). */
export const SYSTEM_MACRO = 'TRACE_SYSTEM';
export const CUSTOM_SYSTEM_MACRO = 'TRACE_CUSTOM_SYSTEM';

/** The argument wrappers and header plumbing of the tracing machinery. */
const WRAPPERS = [
  'TRACE_SYSTEM_VAR', 'TRACE_INCLUDE_FILE', 'TRACE_INCLUDE_PATH',
  'TP_PROTO', 'TP_ARGS', 'TP_STRUCT__entry', 'TP_fast_assign', 'TP_printk', 'TP_CONDITION', 'TP_perf_assign',
];

/** Names that are the tracing machinery's own: a header that #defines one locally never has it expanded. */
export const MACHINERY_NAMES: ReadonlySet<string> = new Set([
  SYSTEM_MACRO, CUSTOM_SYSTEM_MACRO, ...WRAPPERS, ...Object.keys(FORMS), ...IGNORED_FORMS,
]);

/**
 * A file that #defines one of these is the tracing machinery (include/trace/*.h, include/linux/tracepoint.h),
 * not a definition: its macro bodies are not events, and its `trace_` text is not a call site. Only the five
 * base forms: include/linux/trace_events.h stubs the custom class forms and is a header like any other.
 */
export const MACHINERY_FORMS = ['TRACE_EVENT', 'DECLARE_EVENT_CLASS', 'DEFINE_EVENT', 'DECLARE_TRACE', 'TRACE_CUSTOM_EVENT'] as const;

/**
 * The shortest names every definition form starts with (TRACE_EVENT covers TRACE_EVENT_FN, ...): what a
 * file must contain to define an event, and what a unit's top-level statement starts with.
 */
export const FORM_PREFIXES: readonly string[] = Object.keys(FORMS)
  .filter((n, _i, all) => !all.some((o) => o !== n && n.startsWith(o)))
  .sort();

/** The names the file pass looks for in a file's bytes: the form prefixes and the system macro. */
export const DEFINITION_HINTS: readonly string[] = [...FORM_PREFIXES, SYSTEM_MACRO].sort();

const alternation = (names: readonly string[]): string => names.join('|');

/** A file that may define events (the exact test after the byte search for DEFINITION_HINTS). */
export const DEF_HINT = new RegExp(`\\b(${alternation(DEFINITION_HINTS)})\\w*`);
/** A file that #defines a base form: the machinery. */
export const MACHINERY = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+(${alternation(MACHINERY_FORMS)})[ \\t]*\\(`, 'm');
/** A header that sets a system (TRACE_SYSTEM or TRACE_CUSTOM_SYSTEM). */
export const DEFINES_SYSTEM = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+(${alternation([SYSTEM_MACRO, CUSTOM_SYSTEM_MACRO])})\\b`, 'm');
/** A header read as a unit: a definition form opens a line, or it sets a system. */
export const UNIT_HINT = new RegExp(`^[ \\t]*(${alternation(FORM_PREFIXES)})\\w*[ \\t]*\\(|${DEFINES_SYSTEM.source}`, 'm');
