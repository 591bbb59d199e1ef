/**
 * The `syscalls:sys_enter_<name>` / `sys_exit_<name>` events a tree's x86_64 kernel has: one pair per
 * SYSCALL_DEFINE (./syscall-defs.ts) that the 64-bit syscall table wires in, with the fields and print
 * format the tree's own generator (kernel/trace/trace_syscalls.c, ./syscall-generator.ts) gives them.
 *
 * What the tree cannot tell: whether the file holding a definition is built (its Makefile's CONFIG_ line),
 * and whether CONFIG_FTRACE_SYSCALLS is set at all. Each event keeps the `#if` condition its definition
 * lives under; definitions the table names but x86_64 compiles out are chosen by the rules of pickDefinition.
 */
import type { EventDef, Field, Problem } from '../../model/snapshot.js';
import type { SyscallDefinition } from './syscall-defs.js';
import { type Truth, x86_64Conditions } from './x86-64-config.js';
import { GENERATOR_FILE, type SyscallGenerator, readSyscallGenerator } from './syscall-generator.js';

export const SYSCALL_TABLE = 'arch/x86/entry/syscalls/syscall_64.tbl';

/** A file's definitions, as the file pass found them. */
export interface FileSyscalls {
  file: string;
  defs: SyscallDefinition[];
}

/** A 64-bit entry of the syscall table: the name its metadata must carry (`sys_<name>`). */
interface TableEntry {
  nr: number;
  /** The entry point's name without `sys_`: the SYSCALL_DEFINE name and the events' (`newstat`). */
  name: string;
  /** The table's name column, whose `__NR_<name>` the generator's switches use (`stat`). */
  tableName: string;
}

/**
 * The 64-bit entry points of syscall_64.tbl (`<nr> <abi> <name> <entry> [<compat entry> [noreturn]]`):
 * abi `common` or `64`, entry `sys_<name>` or `__x64_sys_<name>`. x32 rows are compat entry points, which
 * have no SYSCALL_METADATA (COMPAT_SYSCALL_DEFINE makes none) and so no events; `sys_ni_syscall` has none either.
 */
export function readSyscallTable(text: string): TableEntry[] {
  const out: TableEntry[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const cols = line.replace(/#.*/, '').trim().split(/\s+/);
    if (cols.length < 4 || !/^\d+$/.test(cols[0]!)) continue;
    const [nr, abi, tableName, entry] = cols as [string, string, string, string];
    if (abi !== 'common' && abi !== '64') continue;
    const m = /^(?:__x64_)?sys_(\w+)$/.exec(entry);
    if (!m || m[1] === 'ni_syscall' || seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    out.push({ nr: Number(nr), name: m[1]!, tableName });
  }
  return out;
}

/**
 * Files that hold the definitions of a configuration x86_64 does not build or does not default to, when
 * another file defines the same syscall: 32-bit x86 (process_32.c), kernels without an MMU (nommu.c) or
 * without POSIX timers (posix-stubs.c, whose option defaults to y).
 */
const FALLBACK_FILE = /(?:_32|nommu|-stubs)\.c$/;

/**
 * Of several definitions of one syscall, the one x86_64 builds: never another architecture's (arch/<not
 * x86>/; arch/x86/um/ is user-mode Linux); never one whose `#if` is false on every x86_64 (./x86-64-config.ts);
 * then one whose condition holds for certain, then one outside any `#if`, then any; files of FALLBACK_FILE
 * last, then path order. The kernel links one symbol: the others are not events.
 */
function pickDefinition(cands: { file: string; def: SyscallDefinition }[], truth: (c: string) => Truth): { file: string; def: SyscallDefinition } | undefined {
  const own = cands.filter((c) => isX86OrGeneric(c.file) && (c.def.condition === undefined || truth(c.def.condition) !== false));
  const rank = (c: { file: string; def: SyscallDefinition }): number =>
    (c.def.condition === undefined || truth(c.def.condition) === true ? 0 : 2) + (FALLBACK_FILE.test(c.file) ? 4 : 0) + (c.def.condition === undefined ? 0 : 1);
  return [...own].sort((a, b) => rank(a) - rank(b))[0];
}

function isX86OrGeneric(file: string): boolean {
  if (!file.startsWith('arch/')) return true;
  return file.startsWith('arch/x86/') && !file.startsWith('arch/x86/um/');
}

export interface SyscallInput {
  files: readonly FileSyscalls[];
  read: (rel: string) => string | undefined;
  /** Where the common header ends (`sizeof(struct trace_entry)`), when known. */
  headerEnd: number | undefined;
}

/** The syscall events of the tree, and what could not be read. No table or no generator: none, said once. */
export function syscallEvents(input: SyscallInput): { events: EventDef[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const table = input.read(SYSCALL_TABLE);
  if (table === undefined) return { events: [], problems };
  const byName = new Map<string, { file: string; def: SyscallDefinition }[]>();
  for (const f of input.files) {
    for (const def of f.defs) {
      if (def.problem) {
        if (isX86OrGeneric(f.file)) problems.push({ file: f.file, line: def.line, message: def.problem });
        continue;
      }
      let l = byName.get(def.name);
      if (!l) byName.set(def.name, (l = []));
      l.push({ file: f.file, def });
    }
  }
  const gen = readSyscallGenerator(input.read);
  if (typeof gen === 'string') {
    problems.push({ file: GENERATOR_FILE, message: `syscall events not predicted: ${gen}` });
    return { events: [], problems };
  }
  if (input.headerEnd === undefined) {
    problems.push({ file: SYSCALL_TABLE, message: 'syscall events not predicted: the common header (struct trace_entry) is unknown' });
    return { events: [], problems };
  }
  const entries = readSyscallTable(table);
  if (entries.length === 0) {
    // A table of another form (or an empty one) must not look like a kernel without syscalls.
    problems.push({ file: SYSCALL_TABLE, message: 'syscall events not predicted: no 64-bit entry point (<nr> common|64 <name> sys_<name>) read' });
    return { events: [], problems };
  }
  const events: EventDef[] = [];
  const truth = x86_64Conditions(input.read);
  for (const entry of entries) {
    const picked = pickDefinition(byName.get(entry.name) ?? [], truth);
    // A table entry without a SYSCALL_DEFINE (an arch stub written by hand) has no metadata: no events.
    if (!picked) continue;
    events.push(...eventPair(entry, picked.file, picked.def, gen, input.headerEnd, problems));
  }
  return { events, problems };
}

function eventPair(entry: TableEntry, file: string, def: SyscallDefinition, gen: SyscallGenerator, headerEnd: number, problems: Problem[]): EventDef[] {
  const location = { file, line: def.line };
  const enter = gen.enter(entry.tableName, def.params, headerEnd);
  const exit = gen.exit(headerEnd);
  if (enter.problem) problems.push({ file, line: def.line, message: enter.problem });
  const at = (fields: Field[]): Field[] => fields.map((f) => ({ ...f, line: def.line }));
  const enterEv: EventDef = { system: 'syscalls', name: `sys_enter_${entry.name}`, kind: 'syscall', fields: at(enter.fields), location };
  if (enter.print) enterEv.print = enter.print;
  const exitEv: EventDef = { system: 'syscalls', name: `sys_exit_${entry.name}`, kind: 'syscall', fields: at(exit.fields), print: exit.print, location };
  if (def.condition) {
    enterEv.condition = def.condition;
    exitEv.condition = def.condition;
  }
  return [enterEv, exitEv];
}
