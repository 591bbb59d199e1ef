/**
 * The `syscalls:sys_enter_<name>` / `sys_exit_<name>` events a tree's kernel has (x86_64, or the `--arch`
 * given: TABLES): one pair per SYSCALL_DEFINE (./syscall-defs.ts) that the architecture's native syscall table
 * wires in, with the fields and print format the tree's own generator (kernel/trace/trace_syscalls.c,
 * ./syscall-generator.ts) gives them, for the architecture's word size.
 *
 * What the tree cannot tell without a .config (--kconfig, ../tree.ts builtBy): whether the file holding a
 * definition is built (its Makefile's CONFIG_ line), and whether CONFIG_FTRACE_SYSCALLS is set at all. Each
 * event keeps the `#if` condition its definition lives under; definitions the table names but the architecture
 * compiles out are chosen by the rules of pickDefinition.
 */
import type { EventDef, Field, Problem } from '../../model/snapshot.js';
import type { SyscallDefinition } from './syscall-defs.js';
import { type KconfigTruth, type Truth, archConditions } from './x86-64-config.js';
import { GENERATOR_FILE, type SyscallGenerator, readSyscallGenerator } from './syscall-generator.js';
import { type ArchRules, type TreeArch, archRules } from './arch.js';
import { selectBranches } from './aggregate.js';
import { evaluateConstant } from '../../util/cexpr.js';
import { stripComments } from '../../util/ctext.js';

export const SYSCALL_TABLE = 'arch/x86/entry/syscalls/syscall_64.tbl';

/**
 * Where each architecture lists its native entry points: a `.tbl` (`<nr> <abi> <name> <entry> …`, the abis
 * that are native) or, for arm64 until 6.10, the generic `__SYSCALL(__NR_x, sys_x)` list of asm-generic/unistd.h.
 */
const TABLES: Record<TreeArch, { file: string; abis?: readonly string[]; entry?: RegExp }> = {
  x86_64: { file: SYSCALL_TABLE, abis: ['common', '64'], entry: /^(?:__x64_)?sys_(\w+)$/ },
  i386: { file: 'arch/x86/entry/syscalls/syscall_32.tbl', abis: ['i386'], entry: /^(?:__ia32_)?sys_(\w+)$/ },
  arm: { file: 'arch/arm/tools/syscall.tbl', abis: ['common', 'eabi'], entry: /^sys_(\w+)$/ },
  arm64: { file: 'include/uapi/asm-generic/unistd.h' },
};

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
export function readSyscallTable(text: string, abis: readonly string[] = ['common', '64'], entryRe = /^(?:__x64_)?sys_(\w+)$/): TableEntry[] {
  const out: TableEntry[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const cols = line.replace(/#.*/, '').trim().split(/\s+/);
    if (cols.length < 4 || !/^\d+$/.test(cols[0]!)) continue;
    const [nr, abi, tableName, entry] = cols as [string, string, string, string];
    if (!abis.includes(abi)) continue;
    const m = entryRe.exec(entry);
    if (!m || m[1] === 'ni_syscall' || seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    out.push({ nr: Number(nr), name: m[1]!, tableName });
  }
  return out;
}

/**
 * The entry points of asm-generic/unistd.h (arm64 before 6.11) as a 64-bit native kernel wires them:
 * `__SYSCALL(nr, sys_x)`, `__SC_COMP(nr, sys_x, compat)` → sys_x, `__SC_3264(nr, 32, 64)` and
 * `__SC_COMP_3264(nr, 32, 64, compat)` → the 64-bit one; `#if`s decided by `decide` (undecided: kept).
 */
export function readGenericUnistd(text: string, decide: (cond: string) => boolean | undefined, word: 4 | 8): TableEntry[] {
  const chosen = selectBranches(stripComments(text), decide, true) ?? '';
  const nrs = new Map<string, number>();
  for (const m of chosen.matchAll(/^[ \t]*#[ \t]*define[ \t]+(__NR(?:3264)?_\w+)[ \t]+(\d+)/gm)) nrs.set(m[1]!, Number(m[2]));
  const out: TableEntry[] = [];
  const seen = new Set<string>();
  for (const m of chosen.matchAll(/\b(__SYSCALL|__SC_COMP|__SC_3264|__SC_COMP_3264)\(\s*(\w+)\s*,([^)]*)\)/g)) {
    const args = m[3]!.split(',').map((a) => a.trim());
    const entry = m[1] === '__SYSCALL' || m[1] === '__SC_COMP' ? args[0] : word === 8 ? args[1] : args[0];
    const e = entry === undefined ? null : /^sys_(\w+)$/.exec(entry);
    if (!e || e[1] === 'ni_syscall' || seen.has(e[1]!)) continue;
    seen.add(e[1]!);
    out.push({ nr: nrs.get(m[2]!) ?? -1, name: e[1]!, tableName: m[2]!.replace(/^__NR(?:3264)?_/, '') });
  }
  return out;
}

/**
 * Files that hold the definitions of a configuration x86_64 does not build or does not default to, when
 * another file defines the same syscall: 32-bit x86 (process_32.c), kernels without an MMU (nommu.c) or
 * without POSIX timers (posix-stubs.c, whose option defaults to y). On i386, the 64-bit files instead.
 */
const FALLBACK_FILE = /(?:_32|nommu|-stubs)\.c$/;
const FALLBACK_FILE_OF: Partial<Record<TreeArch, RegExp>> = { i386: /(?:_64|nommu|-stubs)\.c$/, arm: /(?:nommu|-stubs)\.c$/, arm64: /(?:nommu|-stubs)\.c$/ };

/**
 * Of several definitions of one syscall, the one x86_64 builds: never another architecture's (arch/<not
 * x86>/; arch/x86/um/ is user-mode Linux); never one whose `#if` is false on every x86_64 (./x86-64-config.ts);
 * then one whose condition holds for certain, then one outside any `#if`, then any; files of FALLBACK_FILE
 * last, then path order. The kernel links one symbol: the others are not events.
 */
function pickDefinition(cands: { file: string; def: SyscallDefinition }[], truth: (c: string) => Truth, arch: ArchRules): { file: string; def: SyscallDefinition } | undefined {
  const fallback = FALLBACK_FILE_OF[arch.name] ?? FALLBACK_FILE;
  const own = cands.filter((c) => isOwnOrGeneric(c.file, arch) && (c.def.condition === undefined || truth(c.def.condition) !== false));
  const rank = (c: { file: string; def: SyscallDefinition }): number =>
    (c.def.condition === undefined || truth(c.def.condition) === true ? 0 : 2) + (fallback.test(c.file) ? 4 : 0) + (c.def.condition === undefined ? 0 : 1);
  return [...own].sort((a, b) => rank(a) - rank(b))[0];
}

function isOwnOrGeneric(file: string, arch: ArchRules): boolean {
  if (!file.startsWith('arch/')) return true;
  return file.startsWith(`arch/${arch.dir}/`) && !file.startsWith('arch/x86/um/');
}

export interface SyscallInput {
  files: readonly FileSyscalls[];
  read: (rel: string) => string | undefined;
  /** Where the common header ends (`sizeof(struct trace_entry)`), when known. */
  headerEnd: number | undefined;
  /** The architecture predicted for (default x86_64). */
  arch?: ArchRules;
  /** A kernel configuration's CONFIG_ answers (--kconfig). */
  config?: KconfigTruth;
}

/** The syscall events of the tree, and what could not be read. No table or no generator: none, said once. */
export function syscallEvents(input: SyscallInput): { events: EventDef[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const arch = input.arch ?? archRules();
  const where = TABLES[arch.name];
  const table = input.read(where.file);
  if (table === undefined) {
    // x86_64 trees without a table are trees without syscalls (a fixture, a subtree); another architecture's
    // missing table is worth a word: its syscalls are not predicted, and not x86_64's in their place.
    if (arch.name !== 'x86_64') problems.push({ file: where.file, message: `syscall events not predicted for ${arch.name}: its syscall table is not in the tree` });
    return { events: [], problems };
  }
  const byName = new Map<string, { file: string; def: SyscallDefinition }[]>();
  for (const f of input.files) {
    for (const def of f.defs) {
      if (def.problem) {
        if (isOwnOrGeneric(f.file, arch)) problems.push({ file: f.file, line: def.line, message: def.problem });
        continue;
      }
      let l = byName.get(def.name);
      if (!l) byName.set(def.name, (l = []));
      l.push({ file: f.file, def });
    }
  }
  const gen = readSyscallGenerator(input.read, arch.word);
  if (typeof gen === 'string') {
    problems.push({ file: GENERATOR_FILE, message: `syscall events not predicted: ${gen}` });
    return { events: [], problems };
  }
  if (input.headerEnd === undefined) {
    problems.push({ file: where.file, message: 'syscall events not predicted: the common header (struct trace_entry) is unknown' });
    return { events: [], problems };
  }
  const truth = archConditions(input.read, arch, input.config);
  const entries = where.abis ? readSyscallTable(table, where.abis, where.entry) : readGenericUnistd(table, genericDecider(truth, arch), arch.word);
  if (entries.length === 0) {
    // A table of another form (or an empty one) must not look like a kernel without syscalls.
    const form = where.abis ? `<nr> ${where.abis.join('|')} <name> sys_<name>` : '__SYSCALL(__NR_<name>, sys_<name>)';
    problems.push({ file: where.file, message: `syscall events not predicted: no ${arch.name === 'x86_64' ? '64-bit ' : ''}entry point (${form}) read` });
    return { events: [], problems };
  }
  const events: EventDef[] = [];
  for (const entry of entries) {
    const picked = pickDefinition(byName.get(entry.name) ?? [], truth, arch);
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

/** `#if`s of asm-generic/unistd.h: `__ARCH_WANT_*` and CONFIG_ by `truth`, `__SYSCALL_COMPAT` unset (a native kernel), the word size. */
function genericDecider(truth: (c: string) => Truth, arch: ArchRules): (cond: string) => boolean | undefined {
  return (cond) => {
    let unknown = false;
    const text = cond.replace(/\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)/g, (_m, a?: string, b?: string) => {
      const name = (a ?? b)!;
      const v = name === '__SYSCALL_COMPAT' ? false : name === '__SYSCALL' ? true : truth(`defined(${name})`);
      if (v === undefined) unknown = true;
      return v ? '1' : '0';
    });
    if (unknown) return undefined;
    const v = evaluateConstant(text, (name) => arch.buildDefines[name] ?? (name.startsWith('CONFIG_') || name.startsWith('__ARCH_WANT_') ? (truth(name) ? 1n : 0n) : undefined));
    return v === undefined ? undefined : v !== 0n;
  };
}
