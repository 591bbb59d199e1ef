import { describe, expect, it } from 'vitest';
import { bpfCReader } from '../../src/consumers/bpf-c/index.js';

const read = (text: string, path = 'tool.bpf.c') => bpfCReader.read({ path, data: Buffer.from(text) });
const strip = (u: object) => Object.fromEntries(Object.entries(u).filter(([k]) => !['tool', 'family', 'file'].includes(k)));

describe('.bpf.c reader', () => {
  it('claims .bpf.c files and .c files with a tracepoint program section', () => {
    expect(bpfCReader.detect('x/biolatency.bpf.c', Buffer.from(''))).toBe(true);
    expect(bpfCReader.detect('samples/cpustat_kern.c', Buffer.from('SEC("tracepoint/power/cpu_idle")'))).toBe(true);
    expect(bpfCReader.detect('main.c', Buffer.from('int main(void) { return 0; }'))).toBe(false);
  });

  it('gated ctx[i] reads in a helper the program passes its context to (the biolatency shape)', () => {
    const src = `#include "vmlinux.h"
static int trace_rq_start(struct request *rq, int issue)
{
	return 0;
}

static int handle_block_rq_insert(__u64 *ctx)
{
	/* commit a54895fa (v5.11-rc1) changed the tracepoint's arguments */
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		return trace_rq_start((void *)ctx[1], false);
	else
		return trace_rq_start((void *)ctx[0], false);
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert_btf(u64 *ctx)
{
	return handle_block_rq_insert(ctx);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	return trace_done(rq, error);
}
`;
    const r = read(src);
    expect(r.problems).toEqual([]);
    expect(r.uses.map(strip)).toEqual([
      { line: 11, event: ':block_rq_insert', attach: 'tp_btf', program: 'block_rq_insert_btf', arg: 1, read: 'positional', gate: 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)', gateRange: { below: '5.11.0' } },
      { line: 13, event: ':block_rq_insert', attach: 'tp_btf', program: 'block_rq_insert_btf', arg: 0, read: 'positional', gate: 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)', gateRange: { from: '5.11.0' } },
      { line: 25, event: ':block_rq_complete', attach: 'raw_tp', program: 'block_rq_complete', arg: 0, read: 'positional', type: 'struct request *' },
      { line: 25, event: ':block_rq_complete', attach: 'raw_tp', program: 'block_rq_complete', arg: 1, read: 'positional', type: 'int' },
    ]);
  });

  it('tracefs programs: ctx->f and BPF_CORE_READ by name, bpf_core_field_exists guards, syscalls through raw_syscalls structs, local structs at fixed offsets', () => {
    const src = `SEC("tp/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch *ctx)
{
	u32 pid = ctx->prev_pid;
	if (bpf_core_field_exists(ctx->prev_state))
		bpf_printk("%d", BPF_CORE_READ(ctx, prev_state));
	return ctx->__data_loc_name & 0xffff;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct trace_event_raw_sys_enter *ctx)
{
	const char *fn = (const char *)ctx->args[1];
	return 0;
}

struct cpu_args {
	u64 pad;
	u32 state;
	u32 cpu_id;
};

SEC("tracepoint/power/cpu_idle")
int on_idle(struct cpu_args *ctx)
{
	return ctx->cpu_id;
}
#if 0
SEC("tracepoint/power/cpu_frequency")
int dead(struct cpu_args *ctx) { return ctx->state; }
#endif
`;
    const r = read(src);
    expect(r.problems).toEqual([]);
    expect(r.uses.map(strip)).toEqual([
      { line: 4, event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', field: 'prev_pid', read: 'by-name', struct: 'trace_event_raw_sched_switch' },
      { line: 7, event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', field: 'name', read: 'by-name', struct: 'trace_event_raw_sched_switch', type: '__data_loc', member: '__data_loc_name' },
      { line: 6, event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', field: 'prev_state', read: 'by-name', struct: 'trace_event_raw_sched_switch', guarded: 'bpf_core_field_exists(prev_state)' },
      { line: 13, event: 'syscalls:sys_enter_openat', attach: 'tracefs', program: 'on_openat', read: 'fixed-offset', struct: 'trace_event_raw_sys_enter', member: 'args[1]', offset: 24, size: 8 },
      { line: 26, event: 'power:cpu_idle', attach: 'tracefs', program: 'on_idle', field: 'cpu_id', read: 'fixed-offset', struct: 'cpu_args', type: 'u32', offset: 12, size: 4 },
    ]);
  });

  it('says what it cannot read: a program with no named tracepoint, a gate it cannot keep, unbalanced braces', () => {
    const r = read(`SEC("raw_tp")
int manual(u64 *ctx) { return ctx[0]; }
SEC("tp_btf/sched_switch")
int sw(u64 *ctx)
{
	if (LINUX_KERNEL_VERSION > KERNEL_VERSION(5, 0, 0) && x)
		return ctx[1];
	return 0;
}
int broken(void) {
`);
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'manual: SEC("raw_tp") names no tracepoint (the loader attaches it at run time): not read'],
      [6, 'kernel-version condition "LINUX_KERNEL_VERSION > KERNEL_VERSION(5, 0, 0) && x" is not of the form LINUX_KERNEL_VERSION op KERNEL_VERSION(a, b, c): uses under it are recorded without a gate'],
      [10, "unbalanced '{': the rest of the file is not read"],
    ]);
    expect(r.uses.map((u) => [u.event, u.arg, u.gate])).toEqual([[':sched_switch', 1, undefined]]);
  });
});
