/**
 * Syscall events from SYSCALL_DEFINE: the definitions of a file, the x86_64 table, the x86_64 conditions,
 * the two generator forms (6.x, 7.x with user-space data), and how a diff reports their changes. The C and
 * table text below is copied from the real Debian trees (6.12.117 and 7.2.13); the whole trees are measured
 * in test/kernels/.
 */
import { describe, expect, it } from 'vitest';
import { readSyscallDefinitions } from '../../src/sources/tree/syscall-defs.js';
import { readSyscallTable, syscallEvents } from '../../src/sources/tree/syscalls.js';
import { evaluateCondition, x86_64Conditions } from '../../src/sources/tree/x86-64-config.js';
import { makeSnapshot } from '../../src/model/canonical.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { sideFacets } from '../../src/model/facets.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';

// kernel/fork.c (6.12), with a comment and the macro of include/linux/syscalls.h around it.
const FORK_C = `/* SYSCALL_DEFINE1(not_a_definition, int, x) in a comment */
#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)
#define WRAP(x) \\
	SYSCALL_DEFINE0(in_a_macro)
#ifdef __ARCH_WANT_SYS_CLONE
#ifdef CONFIG_CLONE_BACKWARDS
SYSCALL_DEFINE5(clone, unsigned long, clone_flags, unsigned long, newsp,
		 int __user *, parent_tidptr,
		 unsigned long, tls,
		 int __user *, child_tidptr)
#elif defined(CONFIG_CLONE_BACKWARDS2)
SYSCALL_DEFINE5(clone, unsigned long, newsp, unsigned long, clone_flags,
		 int __user *, parent_tidptr,
		 int __user *, child_tidptr,
		 unsigned long, tls)
#else
SYSCALL_DEFINE5(clone, unsigned long, clone_flags, unsigned long, newsp,
		 int __user *, parent_tidptr,
		 int __user *, child_tidptr,
		 unsigned long, tls)
#endif
{
	return 0;
}
#endif

SYSCALL_DEFINE0(getpid)
{
	return task_tgid_vnr(current);
}
`;

// fs/open.c (6.12)
const OPEN_C = `SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename, int, flags,
		umode_t, mode)
{
	if (force_o_largefile())
		flags |= O_LARGEFILE;
	return do_sys_open(dfd, filename, flags, mode);
}
SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf,
		size_t, count)
{
	return ksys_write(fd, buf, count);
}
SYSCALL_DEFINE3(unlinkat, int, dfd, const char __user *, pathname, int, flag)
{
	return 0;
}
`;

// arch/x86/entry/syscalls/syscall_64.tbl (6.12), a few rows of each kind.
const TABLE = `# <number> <abi> <name> <entry point> [<compat entry point> [noreturn]]
1	common	write			sys_write
39	common	getpid			sys_getpid
56	common	clone			sys_clone
60	common	exit			sys_exit			-			noreturn
212	common	lookup_dcookie
236	64	vserver
257	common	openat			sys_openat
263	common	unlinkat		sys_unlinkat
335	common	uretprobe		sys_uretprobe
512	x32	rt_sigaction		compat_sys_rt_sigaction
545	x32	execveat		compat_sys_execveat
`;

// kernel/trace/trace_syscalls.c (6.12): the lines that decide the events' layout and formats.
const GENERATOR_612 = `#define SYSCALL_FIELD(_type, _name) {					\\
	.type = #_type, .name = #_name,					\\
	.size = sizeof(_type), .align = __alignof__(_type),		\\
	.is_signed = is_signed_type(_type), .filter_type = FILTER_OTHER }

static int __init
__set_enter_print_fmt(struct syscall_metadata *entry, char *buf, int len)
{
	int i;
	int pos = 0;

	/* When len=0, we just calculate the needed length */
#define LEN_OR_ZERO (len ? len - pos : 0)

	pos += snprintf(buf + pos, LEN_OR_ZERO, "\\"");
	for (i = 0; i < entry->nb_args; i++) {
		pos += snprintf(buf + pos, LEN_OR_ZERO, "%s: 0x%%0%zulx%s",
				entry->args[i], sizeof(unsigned long),
				i == entry->nb_args - 1 ? "" : ", ");
	}
	pos += snprintf(buf + pos, LEN_OR_ZERO, "\\"");

	for (i = 0; i < entry->nb_args; i++) {
		pos += snprintf(buf + pos, LEN_OR_ZERO,
				", ((unsigned long)(REC->%s))", entry->args[i]);
	}
	return pos;
}

static int __init set_syscall_print_fmt(struct trace_event_call *call)
{
	if (entry->enter_event != call) {
		call->print_fmt = "\\"0x%lx\\", REC->ret";
		return 0;
	}
}

static int __init syscall_enter_define_fields(struct trace_event_call *call)
{
	for (i = 0; i < meta->nb_args; i++) {
		ret = trace_define_field(call, meta->types[i],
					 meta->args[i], offset,
					 sizeof(unsigned long), 0,
					 FILTER_OTHER);
		if (ret)
			break;
		offset += sizeof(unsigned long);
	}
	return ret;
}

static struct trace_event_fields __refdata syscall_enter_fields_array[] = {
	SYSCALL_FIELD(int, __syscall_nr),
	{ .type = TRACE_FUNCTION_TYPE,
	  .define_fields = syscall_enter_define_fields },
	{}
};

struct trace_event_class __refdata event_class_syscall_exit = {
	.fields_array	= (struct trace_event_fields[]){
		SYSCALL_FIELD(int, __syscall_nr),
		SYSCALL_FIELD(long, ret),
		{}
	},
};
`;

// kernel/trace/trace_syscalls.c (7.2): user-space data (check_faultable_syscall, cut to three groups) and
// openat's own format (cut to two flags), and the generic format and fields that go with them.
const GENERATOR_72 = `#define SYSCALL_FIELD(_type, _name) {					\\
	.type = #_type, .name = #_name,					\\
	.size = sizeof(_type), .align = __alignof__(_type),		\\
	.is_signed = is_signed_type(_type), .filter_type = FILTER_OTHER }

#define LEN_OR_ZERO (len ? len - pos : 0)

static int __init
sys_enter_openat_print_fmt(struct syscall_metadata *entry, char *buf, int len)
{
	int pos = 0;

	pos += snprintf(buf + pos, LEN_OR_ZERO,
			"\\"dfd: 0x%%08lx, filename: 0x%%08lx \\\\\\"%%s\\\\\\", flags: %%s%%s, mode: 0%%03o\\",");
	pos += snprintf(buf + pos, LEN_OR_ZERO,
			" ((unsigned long)(REC->dfd)),");
	pos += snprintf(buf + pos, LEN_OR_ZERO,
			" REC->flags ? __print_flags(REC->flags, \\"|\\", ");
	pos += snprintf(buf + pos, LEN_OR_ZERO,
			"{ 0x%x, \\"O_WRONLY\\" }, ", O_WRONLY);
	pos += snprintf(buf + pos, LEN_OR_ZERO,
			"{ 0x%x, \\"O_CLOEXEC\\" }) : \\"O_RDONLY\\", ", O_CLOEXEC);
	pos += snprintf(buf + pos, LEN_OR_ZERO,
			" ((unsigned long)(REC->mode))");
	return pos;
}

static int __init
__set_enter_print_fmt(struct syscall_metadata *entry, char *buf, int len)
{
	bool is_string = entry->user_arg_is_str;
	int i;
	int pos = 0;

	switch (entry->syscall_nr) {
	case __NR_openat:
		return sys_enter_openat_print_fmt(entry, buf, len);
	default:
		break;
	}

	pos += snprintf(buf + pos, LEN_OR_ZERO, "\\"");
	for (i = 0; i < entry->nb_args; i++) {
		if (i)
			pos += snprintf(buf + pos, LEN_OR_ZERO, ", ");
		pos += snprintf(buf + pos, LEN_OR_ZERO, "%s: 0x%%0%zulx",
				entry->args[i], sizeof(unsigned long));

		if (!(BIT(i) & entry->user_mask))
			continue;

		/* Add the format for the user space string or array */
		if (entry->user_arg_size < 0 || is_string)
			pos += snprintf(buf + pos, LEN_OR_ZERO, " \\\\\\"%%s\\\\\\"");
		else
			pos += snprintf(buf + pos, LEN_OR_ZERO, " (%%s)");
	}
	pos += snprintf(buf + pos, LEN_OR_ZERO, "\\"");

	for (i = 0; i < entry->nb_args; i++) {
		pos += snprintf(buf + pos, LEN_OR_ZERO,
				", ((unsigned long)(REC->%s))", entry->args[i]);
	}
	return pos;
}

static int __init set_syscall_print_fmt(struct trace_event_call *call)
{
	if (entry->enter_event != call) {
		call->print_fmt = "\\"0x%lx\\", REC->ret";
		return 0;
	}
}

static int __init syscall_enter_define_fields(struct trace_event_call *call)
{
	for (i = 0; i < meta->nb_args; i++) {
		ret = trace_define_field(call, meta->types[i],
					 meta->args[i], offset,
					 sizeof(unsigned long), 0,
					 FILTER_OTHER);
	}
	while (mask) {
		snprintf(arg, len, "__%s_val", meta->args[idx]);

		ret = trace_define_field(call, "__data_loc char[]",
					 arg, offset, sizeof(int), 0,
					 FILTER_OTHER);
	}
	return ret;
}

static void check_faultable_syscall(struct trace_event_call *call, int nr)
{
	struct syscall_metadata *sys_data = call->data;
	unsigned long mask;

	/* Only work on entry */
	if (sys_data->enter_event != call)
		return;

	sys_data->user_arg_size = -1;

	switch (nr) {
	/* user arg 1 with size arg at 2 */
	case __NR_write:
#ifdef __NR_mq_timedsend
	case __NR_mq_timedsend:
#endif
	case __NR_pwrite64:
		sys_data->user_mask = BIT(1);
		sys_data->user_arg_size = 2;
		break;
	/* user arg at position 1 */
	case __NR_openat:
	case __NR_unlinkat:
		sys_data->user_mask = BIT(1);
		break;
	default:
		sys_data->user_mask = 0;
		return;
	}
}

static struct trace_event_fields __refdata syscall_enter_fields_array[] = {
	SYSCALL_FIELD(int, __syscall_nr),
	{}
};
struct trace_event_class __refdata event_class_syscall_exit = {
	.fields_array	= (struct trace_event_fields[]){
		SYSCALL_FIELD(int, __syscall_nr),
		SYSCALL_FIELD(long, ret),
		{}
	},
};
`;

const TRACE_H = `/*
 * trace_syscalls.c
 */
struct syscall_trace_enter {
	struct trace_entry	ent;
	int			nr;
	unsigned long		args[];
};
`;

// include/uapi/asm-generic/fcntl.h (7.2)
const FCNTL_H = `#define O_WRONLY	(1 << 0)
#ifndef O_CLOEXEC
#define O_CLOEXEC	(1 << 19)	/* set close_on_exec */
#endif
`;

// arch/Kconfig, arch/x86/Kconfig and arch/x86/include/asm/unistd.h (6.12), cut.
const ARCH_KCONFIG = `config CLONE_BACKWARDS
	bool
	help
	  Architecture has tls passed as the 4th argument of clone(2),
config CLONE_BACKWARDS2
	bool
config CLONE_BACKWARDS3
	bool
config HAVE_ARCH_TRACEHOOK
	bool
config MODULES_USE_ELF_RELA
	bool
`;
const X86_KCONFIG = `config X86_32
	def_bool y
	depends on !64BIT
	select CLONE_BACKWARDS
config X86_64
	def_bool y
	depends on 64BIT
	select MODULES_USE_ELF_RELA
config X86
	def_bool y
	select HAVE_ARCH_TRACEHOOK
`;
const UNISTD_H = `#ifndef _ASM_X86_UNISTD_H
#define _ASM_X86_UNISTD_H 1
# ifdef CONFIG_X86_32
#  define __ARCH_WANT_STAT64
# endif
# define __ARCH_WANT_SYS_CLONE
#endif
`;

function tree(files: Record<string, string>): (rel: string) => string | undefined {
  return (rel) => files[rel];
}

const BASE = {
  'arch/x86/entry/syscalls/syscall_64.tbl': TABLE,
  'kernel/trace/trace.h': TRACE_H,
  'include/uapi/asm-generic/fcntl.h': FCNTL_H,
  'arch/Kconfig': ARCH_KCONFIG,
  'arch/x86/Kconfig': X86_KCONFIG,
  'arch/x86/include/asm/unistd.h': UNISTD_H,
};

function events(generator: string, files = [{ file: 'kernel/fork.c', defs: readSyscallDefinitions(FORK_C) }, { file: 'fs/open.c', defs: readSyscallDefinitions(OPEN_C) }]) {
  return syscallEvents({ files, read: tree({ ...BASE, 'kernel/trace/trace_syscalls.c': generator }), headerEnd: 8 });
}

const describeFields = (e: EventDef): string[] =>
  e.fields.map((f) => `${f.dynamic ? `__${f.dynamic} ` : ''}${f.type}${f.array ? `[${f.array === '[]' ? '' : f.array}]` : ''} ${f.name}@${f.offset}+${f.size}${f.signed ? 's' : 'u'}`);
const byName = (evs: EventDef[], name: string): EventDef => {
  const e = evs.find((x) => x.name === name);
  if (!e) throw new Error(`no ${name}`);
  return e;
};

describe('SYSCALL_DEFINE definitions of a file', () => {
  const defs = readSyscallDefinitions(FORK_C);

  it('reads each definition with its parameters as #t and #a give them, at its line, under its #if', () => {
    expect(defs.map((d) => [d.name, d.line, d.params.map((p) => `${p.type}|${p.name}`).join(', '), d.condition])).toEqual([
      ['clone', 7, 'unsigned long|clone_flags, unsigned long|newsp, int *|parent_tidptr, unsigned long|tls, int *|child_tidptr', 'defined(__ARCH_WANT_SYS_CLONE) && defined(CONFIG_CLONE_BACKWARDS)'],
      ['clone', 12, 'unsigned long|newsp, unsigned long|clone_flags, int *|parent_tidptr, int *|child_tidptr, unsigned long|tls', 'defined(__ARCH_WANT_SYS_CLONE) && !(defined(CONFIG_CLONE_BACKWARDS)) && (defined(CONFIG_CLONE_BACKWARDS2))'],
      ['clone', 17, 'unsigned long|clone_flags, unsigned long|newsp, int *|parent_tidptr, int *|child_tidptr, unsigned long|tls', 'defined(__ARCH_WANT_SYS_CLONE) && !(defined(CONFIG_CLONE_BACKWARDS)) && !(defined(CONFIG_CLONE_BACKWARDS2))'],
      ['getpid', 27, '', undefined],
    ]);
  });

  it('names a definition it cannot read instead of guessing', () => {
    const bad = readSyscallDefinitions('SYSCALL_DEFINE2(pipe2, int __user *, fildes)\n{\n}\n');
    expect(bad).toEqual([{ name: 'pipe2', params: [], line: 1, problem: 'SYSCALL_DEFINE2(pipe2): expected a name and 2 type/name pairs, found 3 arguments' }]);
  });
});

describe('the x86_64 syscall table and conditions', () => {
  it('keeps the 64-bit entry points (common, 64), not x32 compat ones, sys_ni_syscall or empty rows', () => {
    expect(readSyscallTable(TABLE).map((e) => `${e.nr}:${e.name}`)).toEqual(['1:write', '39:getpid', '56:clone', '60:exit', '257:openat', '263:unlinkat', '335:uretprobe']);
    expect(readSyscallTable('0\tcommon\tread\t__x64_sys_read\n1\tcommon\twrite\tsys_ni_syscall\n').map((e) => e.name)).toEqual(['read']);
  });

  it('tells what every x86_64 kernel has, and leaves the rest unknown', () => {
    const truth = x86_64Conditions(tree(BASE));
    expect(truth('defined(CONFIG_CLONE_BACKWARDS)')).toBe(false); // selected by X86_32 only
    expect(truth('defined(CONFIG_MODULES_USE_ELF_RELA)')).toBe(true);
    expect(truth('defined(CONFIG_HAVE_ARCH_TRACEHOOK) && defined(CONFIG_X86_64)')).toBe(true);
    expect(truth('defined(__ARCH_WANT_SYS_CLONE) && !(defined(CONFIG_CLONE_BACKWARDS))')).toBe(true);
    expect(truth('defined(__ARCH_WANT_STAT64)')).toBe(false);
    expect(truth('defined(CONFIG_MULTIUSER)')).toBe(undefined);
    expect(truth('defined(CONFIG_MULTIUSER) || defined(CONFIG_X86_64)')).toBe(true);
    expect(evaluateCondition('FOO > 2', () => true)).toBe(undefined);
  });
});

describe('syscall events as the 6.x generator writes them', () => {
  const { events: evs, problems } = events(GENERATOR_612);

  it('one enter/exit pair per table entry with a definition, the x86_64 one of alternatives', () => {
    expect(problems).toEqual([]);
    expect(evs.map((e) => e.name).sort()).toEqual(['sys_enter_clone', 'sys_enter_getpid', 'sys_enter_openat', 'sys_enter_unlinkat', 'sys_enter_write', 'sys_exit_clone', 'sys_exit_getpid', 'sys_exit_openat', 'sys_exit_unlinkat', 'sys_exit_write']);
    const clone = byName(evs, 'sys_enter_clone');
    expect(clone.location).toEqual({ file: 'kernel/fork.c', line: 17 });
    expect(clone.fields.map((f) => f.name)).toEqual(['__syscall_nr', 'clone_flags', 'newsp', 'parent_tidptr', 'child_tidptr', 'tls']);
    expect(clone.kind).toBe('syscall');
    expect(clone.system).toBe('syscalls');
  });

  it('fields and formats as the real 6.18.44 capture shows sys_enter_openat and sys_exit_openat', () => {
    const enter = byName(evs, 'sys_enter_openat');
    expect(describeFields(enter)).toEqual(['int __syscall_nr@8+4s', 'int dfd@16+8u', 'const char * filename@24+8u', 'int flags@32+8u', 'umode_t mode@40+8u']);
    expect(enter.print).toEqual({
      fmt: 'dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx',
      args: ['((unsigned long)(REC->dfd))', '((unsigned long)(REC->filename))', '((unsigned long)(REC->flags))', '((unsigned long)(REC->mode))'],
    });
    const exit = byName(evs, 'sys_exit_openat');
    expect(describeFields(exit)).toEqual(['int __syscall_nr@8+4s', 'long ret@16+8s']);
    expect(exit.print).toEqual({ fmt: '0x%lx', args: ['REC->ret'] });
    expect(byName(evs, 'sys_enter_getpid').print).toEqual({ fmt: '', args: [] });
  });

  it('a table of another form is a problem, not a kernel without syscalls', () => {
    const r = syscallEvents({ files: [{ file: 'fs/open.c', defs: readSyscallDefinitions(OPEN_C) }], read: tree({ ...BASE, 'arch/x86/entry/syscalls/syscall_64.tbl': '257 openat x64:sys_openat\n', 'kernel/trace/trace_syscalls.c': GENERATOR_612 }), headerEnd: 8 });
    expect(r.events).toEqual([]);
    expect(r.problems.map((p) => p.file)).toEqual(['arch/x86/entry/syscalls/syscall_64.tbl']);
  });

  it('an unknown generator form is a problem and no syscall events, not guessed ones', () => {
    const r = events(GENERATOR_612.replace('sizeof(unsigned long), 0,', 'arg_size(meta, i), 0,'));
    expect(r.events).toEqual([]);
    expect(r.problems.map((p) => p.file)).toEqual(['kernel/trace/trace_syscalls.c']);
    expect(r.problems[0]!.message).toMatch(/^syscall events not predicted: syscall_enter_define_fields/);
  });
});

describe('syscall events as the 7.x generator writes them (user-space data)', () => {
  const { events: evs, problems } = events(GENERATOR_72);

  it('records the user data of the arguments check_faultable_syscall names, as __data_loc fields', () => {
    expect(problems).toEqual([]);
    const write = byName(evs, 'sys_enter_write');
    expect(describeFields(write)).toEqual(['int __syscall_nr@8+4s', 'unsigned int fd@16+8u', 'const char * buf@24+8u', 'size_t count@32+8u', '__data_loc char[] __buf_val@40+4u']);
    expect(write.print).toEqual({
      fmt: 'fd: 0x%08lx, buf: 0x%08lx (%s), count: 0x%08lx',
      args: ['((unsigned long)(REC->fd))', '((unsigned long)(REC->buf))', '__print_dynamic_array(__buf_val, 1)', '((unsigned long)(REC->count))'],
    });
    const unlink = byName(evs, 'sys_enter_unlinkat');
    expect(unlink.print!.fmt).toBe('dfd: 0x%08lx, pathname: 0x%08lx \\"%s\\", flag: 0x%08lx');
    expect(unlink.print!.args[2]).toBe('__get_str(__pathname_val)');
    expect(describeFields(byName(evs, 'sys_enter_clone'))).toHaveLength(6);
  });

  it("replays a syscall's own format function, constants included", () => {
    const open = byName(evs, 'sys_enter_openat');
    expect(open.print!.fmt).toBe('dfd: 0x%08lx, filename: 0x%08lx \\"%s\\", flags: %s%s, mode: 0%03o');
    expect(open.print!.args).toEqual(['((unsigned long)(REC->dfd))', 'REC->flags ? __print_flags(REC->flags, "|", { 0x1, "O_WRONLY" }, { 0x80000, "O_CLOEXEC" }) : "O_RDONLY"', '((unsigned long)(REC->mode))']);
  });
});

describe('syscall drift between two trees', () => {
  const snap = (source: string, open: string): Snapshot => {
    const r = events(GENERATOR_612, [{ file: 'kernel/fork.c', defs: readSyscallDefinitions(FORK_C) }, { file: 'fs/open.c', defs: readSyscallDefinitions(open) }]);
    return makeSnapshot({ kernel: { source, kind: 'tree', arch: 'x86_64' }, header: { common: [] }, events: r.events });
  };
  const findings = (a: Snapshot, b: Snapshot) => runDiff(compareSnapshots(a, b)).map((f) => `${f.rule} ${f.event}`).sort();

  it('a renamed parameter is field-renamed, a retyped one field-type-changed, a removed syscall event-removed', () => {
    const old = snap('old', OPEN_C);
    const renamed = snap('new', OPEN_C.replace('const char __user *, pathname', 'const char __user *, path'));
    expect(findings(old, renamed)).toContain('field-renamed syscalls:sys_enter_unlinkat');
    const retyped = snap('new', OPEN_C.replace('int, flag)', 'unsigned int, flag)'));
    expect(findings(old, retyped)).toContain('field-type-changed syscalls:sys_enter_unlinkat');
    const removed = snap('new', OPEN_C.replace(/SYSCALL_DEFINE3\(unlinkat[\s\S]*$/, ''));
    expect(findings(old, removed).filter((f) => f.startsWith('event-removed'))).toEqual(['event-removed syscalls:sys_enter_unlinkat', 'event-removed syscalls:sys_exit_unlinkat']);
    expect(findings(old, snap('new', OPEN_C))).toEqual([]);
  });

  it('a tree with no syscall events (no table) cannot tell them: not compared', () => {
    const none = makeSnapshot({ kernel: { source: 'x', kind: 'tree' }, header: { common: [] }, events: [] });
    expect(sideFacets(none).syscalls).toBe(false);
    expect(sideFacets(snap('y', OPEN_C)).syscalls).toBe(true);
  });
});

describe('mangled input never throws', () => {
  it('definitions, table and generator readers: cut or edited real text gives problems or fewer events, never an exception', async () => {
    const { default: fc } = await import('fast-check');
    const texts = [FORK_C, OPEN_C, GENERATOR_72, GENERATOR_612];
    const ODD = ['(', ')', ',', '\\\n', '/*', '*/', '"', '#if X\n', '#endif\n', '{', '}', ';', 'SYSCALL_DEFINE3(', '\n'];
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: ODD.length - 1 })), { minLength: 1, maxLength: 4 }), fc.nat(), (which, edits, cut) => {
        let t = texts[which]!;
        for (const [at, k] of edits) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + ODD[k]! + t.slice(i);
        }
        t = t.slice(0, t.length - (cut % 40));
        readSyscallDefinitions(t);
        readSyscallTable(t);
        const r = syscallEvents({ files: [{ file: 'x.c', defs: readSyscallDefinitions(t) }], read: tree({ ...BASE, 'kernel/trace/trace_syscalls.c': t }), headerEnd: 8 });
        for (const e of r.events) expect(e.kind).toBe('syscall');
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
