/**
 * The consumer readers on small scripts written in the style of the real tools (the real packages are read
 * by test/kernels/consumers.test.ts): what each use says, where, and what a reader cannot read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBpftrace } from '../../src/consumers/bpftrace/index.js';
import { readBcc } from '../../src/consumers/bcc/index.js';
import { readManifest } from '../../src/consumers/manifest/index.js';
import { layoutStruct } from '../../src/consumers/bcc/layout.js';
import { readConsumers } from '../../src/consumers/read.js';
import { InputError } from '../../src/errors.js';

const file = (p: string, text: string) => ({ path: p, data: Buffer.from(text) });
const brief = (u: { line?: number; event: string; attach: string; read: string; field?: string; arg?: number; guarded?: string }) =>
  [u.line, u.event, u.attach, u.read, u.field ?? (u.arg !== undefined ? `arg${u.arg}` : ''), u.guarded ?? ''].join(' ').trim();

describe('bpftrace', () => {
  const script = `#!/usr/bin/env bpftrace
#include <linux/sched.h>
/* a comment mentioning args->nothing */
BEGIN { printf("Tracing... args->x in a string\\n"); }

tracepoint:sched:sched_wakeup,
t:sched:sched_wakeup_new
{
	@qtime[args->pid] = nsecs;
}

tracepoint:sched:sched_switch
/args.prev_state == 0/
{
	@[args->next_pid] = count();
}

uretprobe:/bin/bash:readline /pid == 1/ { @x = 1; }

tracepoint:syscalls:sys_enter_exec*
{
	join(args->argv);
}

rawtracepoint:block_rq_complete { @b = arg0; @c = arg2; }

kprobe:do_nanosleep { @k = 1; }
tracepoint:sched:sched_process_fork { @forks = count(); }
`;
  it('reads probes, predicates, shared bodies, wildcards and raw arguments, at their lines', () => {
    const r = readBpftrace(file('runq.bt', script));
    expect(r.tools).toEqual([{ tool: 'runq.bt', family: 'bpftrace', file: 'runq.bt' }]);
    expect(r.uses.map(brief)).toEqual([
      '9 sched:sched_wakeup tracefs by-name pid',
      '9 sched:sched_wakeup_new tracefs by-name pid',
      '13 sched:sched_switch tracefs by-name prev_state',
      '15 sched:sched_switch tracefs by-name next_pid',
      '22 syscalls:sys_enter_exec* tracefs by-name argv',
      '25 :block_rq_complete raw_tp positional arg0',
      '25 :block_rq_complete raw_tp positional arg2',
      '28 sched:sched_process_fork tracefs exists-only',
    ]);
    expect(r.problems).toEqual([]);
  });
  it('a script that does not parse is an InputError at its line', () => {
    expect(() => readBpftrace(file('bad.bt', 'BEGIN { x = 1;\n\ntracepoint:a:b {\n'))).toThrow(InputError);
    try {
      readBpftrace(file('bad.bt', 'tracepoint:a:b { @x = 1; }\n}\n'));
    } catch (e) {
      expect((e as InputError).describe()).toBe("bad.bt:2: bpftrace script does not parse: a '}' with no probe before it");
    }
  });
});

describe('bcc', () => {
  const tool = `#!/usr/bin/python3
from bcc import BPF

bpf_text = """
TRACEPOINT_PROBE(sched, sched_process_exit)
{
    u32 pid = args->pid;   // by name
    TP_DATA_LOC_READ_STR(&name, comm, sizeof(name));
    return 0;
}
"""

bpf_text_node = """
TRACEPOINT_PROBE(kmem, kmalloc_node) {
    return alloc(args->ptr, args->bytes_alloc);
}
"""

bpf_text_raw = """
RAW_TRACEPOINT_PROBE(sched_switch)
{
    // TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next)
    struct task_struct *prev = (struct task_struct *)ctx->args[1];
    return 0;
}
"""

explicit = """
struct urandom_read_args {
    u64 __unused__;
    u32 got_bits;
    u32 pool_left;
    char name[6];
    u64 last;
};
int printarg(struct urandom_read_args *args) {
    bpf_trace_printk("%d %d\\\\n", args->got_bits, args->last);
    return 0;
}
"""

is_raw = BPF.support_raw_tracepoint()
if BPF.tracepoint_exists("kmem", "kmalloc_node"):
    bpf_text += bpf_text_node
if is_raw:
    bpf_text += bpf_text_raw
else:
    bpf_text += kprobe_text

b = BPF(text=bpf_text + explicit)
b.attach_tracepoint(tp="random:urandom_read", fn_name="printarg")
b.attach_tracepoint(tp=pattern, fn_name="trace_count")
`;
  it('reads by-name, data_loc, positional and fixed-offset uses, and the guards that add the text', () => {
    const r = readBcc(file('tool-bpfcc', tool));
    expect(r.uses.map(brief)).toEqual([
      '7 sched:sched_process_exit tracefs by-name pid',
      '8 sched:sched_process_exit tracefs by-name comm',
      '15 kmem:kmalloc_node tracefs by-name ptr BPF.tracepoint_exists("kmem", "kmalloc_node")',
      '15 kmem:kmalloc_node tracefs by-name bytes_alloc BPF.tracepoint_exists("kmem", "kmalloc_node")',
      '23 :sched_switch raw_tp positional arg1 is_raw (= BPF.support_raw_tracepoint())',
      '37 random:urandom_read tracefs fixed-offset got_bits',
      '37 random:urandom_read tracefs fixed-offset last',
    ].map((s) => s.replace(' (= BPF.support_raw_tracepoint())', '')));
    expect(r.uses.find((u) => u.field === 'comm')?.type).toBe('__data_loc char[]');
    expect(r.uses.find((u) => u.arg === 1)?.type).toBe('struct task_struct *');
    const last = r.uses.find((u) => u.field === 'last')!;
    expect([last.offset, last.size]).toEqual([24, 8]);
    expect(r.problems).toEqual([
      { file: 'tool-bpfcc', line: 52, message: 'attach_tracepoint(...): the tracepoint or the function is chosen at run time (tp=pattern, fn_name="trace_count"); not read' },
    ]);
  });
  it('lays out hand-written structs for x86_64 (natural alignment)', () => {
    expect(layoutStruct('u64 a; u8 b; u32 c; char d[3]; u64 *p; short s;')).toEqual({
      fields: [
        { name: 'a', type: 'u64', offset: 0, size: 8 },
        { name: 'b', type: 'u8', offset: 8, size: 1 },
        { name: 'c', type: 'u32', offset: 12, size: 4 },
        { name: 'd', type: 'char[3]', offset: 16, size: 3 },
        { name: 'p', type: 'u64 *', offset: 24, size: 8 },
        { name: 's', type: 'short', offset: 32, size: 2 },
      ],
    });
    expect(layoutStruct('struct foo f;')).toEqual({ unknown: 'struct foo f' });
  });
});

describe('manifests', () => {
  const manifest = fs.readFileSync(path.join(import.meta.dirname, '../../examples/consumers/powertop.json'));
  it("reads the documented powertop example, each use at its event's line", () => {
    const r = readManifest({ path: 'powertop.json', data: manifest });
    expect(r.tools).toEqual([{ tool: 'powertop', family: 'manifest', file: 'powertop.json' }]);
    expect(r.uses.filter((u) => u.event === 'sched:sched_switch').map((u) => `${u.line} ${u.field} ${u.read}`)).toEqual([
      '9 next_comm by-name',
      '9 next_pid by-name',
      '9 prev_pid by-name',
    ]);
    expect(r.uses.find((u) => u.event === 'power:power_start')).toMatchObject({ read: 'exists-only', guarded: expect.stringContaining('cpu_idle') });
  });
  it('a manifest that breaks the schema or is not JSON is an InputError naming the file and key or line', () => {
    const bad = (text: string) => {
      try {
        readManifest(file('m.json', text));
      } catch (e) {
        return (e as InputError).describe();
      }
      return 'no error';
    };
    expect(bad('{"schema": "tpdrift/consumer-manifest@1", "tool": "x", "events": [{"event": "a:b", "fields": [{"name": "f", "read": "fixed-offset"}]}]}')).toBe(
      'm.json: events[0].fields[0].offset: required',
    );
    expect(bad('{"schema": "tpdrift/consumer-manifest@1",\n "tool": "x",\n "events": [}')).toMatch(/^m\.json(:3)?: consumer manifest is not valid JSON: Unexpected token/);
  });
});

describe('readConsumers', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-consumers-'));
    fs.writeFileSync(path.join(tmp, 'b.bt'), 'tracepoint:sched:sched_switch { @[args->next_pid] = 1; }\n');
    fs.writeFileSync(path.join(tmp, 'a.bt'), 'tracepoint:sched:sched_wakeup {\n');
    fs.writeFileSync(path.join(tmp, 'README'), 'not a consumer\n');
    fs.mkdirSync(path.join(tmp, 'sub'));
    fs.writeFileSync(path.join(tmp, 'sub', 'c.json'), '{"schema": "tpdrift/consumer-manifest@1", "tool": "c", "events": [{"event": "irq:softirq_entry"}]}');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  it('walks a folder in a fixed order; a file that does not parse is a listed problem, the rest is read', () => {
    const inv = readConsumers([tmp]);
    expect(inv.tools.map((t) => path.relative(tmp, t.file))).toEqual(['b.bt', path.join('sub', 'c.json')]);
    expect(inv.uses.map((u) => `${u.tool} ${u.event}`)).toEqual(['b.bt sched:sched_switch', 'c irq:softirq_entry']);
    expect(inv.problems).toEqual([{ file: path.join(tmp, 'a.bt'), line: 1, message: "bpftrace script does not parse: a '{' that is never closed" }]);
  });
  it('a file given by name that cannot be read, or is no consumer, is an InputError', () => {
    expect(() => readConsumers([path.join(tmp, 'a.bt')])).toThrow(InputError);
    expect(() => readConsumers([path.join(tmp, 'README')])).toThrow(/not a consumer program/);
    expect(() => readConsumers([path.join(tmp, 'nope')])).toThrow(/no such file or directory/);
  });
});
