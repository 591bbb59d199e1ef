import { describe, expect, it } from 'vitest';
import { parseBtf } from '../../src/btf/btf.js';
import { classesFromGroups, commonFields, extractEvents } from '../../src/sources/btf/extract.js';
import { BtfBuilder } from './builder.js';
import { sampleBtf, sampleKernel } from './kernel-sample.js';

const byName = (r: ReturnType<typeof extractEvents>, n: string) => r.events.find((e) => e.name === n)!;

describe('extractEvents', () => {
  const btf = parseBtf(sampleBtf(), { file: 'vmlinux' });
  const r = extractEvents(btf, 'vmlinux');

  it('one tracepoint per btf_trace_ typedef, no system (BTF has none)', () => {
    expect(r.events.map((e) => e.name)).toEqual(['block_io_start', 'block_rq_issue', 'block_rq_requeue', 'sched_process_exec', 'sched_switch', 'sched_update_nr_running_tp']);
    expect(new Set(r.events.map((e) => e.system))).toEqual(new Set(['']));
  });

  it('prototypes with argument names, without the leading void *__data', () => {
    expect(byName(r, 'sched_switch').proto).toEqual([
      { type: '_Bool', name: 'preempt' },
      { type: 'struct task_struct *', name: 'prev' },
      { type: 'struct task_struct *', name: 'next' },
      { type: 'unsigned int', name: 'prev_state' },
    ]);
    expect(byName(r, 'sched_process_exec').proto).toEqual([{ type: 'struct task_struct *', name: 'p' }, { type: 'pid_t', name: 'old_pid' }]);
  });

  it('record layouts from trace_event_raw_<class>: offsets, sizes, signedness, arrays', () => {
    const sw = byName(r, 'sched_switch');
    expect(sw.kind).toBe('event');
    expect(sw.class).toBeUndefined(); // a TRACE_EVENT is its own class
    expect(sw.fields).toEqual([
      { name: 'prev_comm', type: 'char', size: 16, offset: 8, array: 16, signed: false },
      { name: 'prev_pid', type: 'pid_t', size: 4, offset: 24, signed: true },
      { name: 'prev_state', type: 'long int', size: 8, offset: 32, signed: true },
      { name: 'next_comm', type: 'char', size: 16, offset: 40, array: 16, signed: false },
      { name: 'next_pid', type: 'pid_t', size: 4, offset: 56, signed: true },
    ]);
  });

  it('__data_loc and __rel_loc fields, named by trace_event_data_offsets_<class>; their element type is unknown', () => {
    expect(byName(r, 'sched_process_exec').fields).toEqual([
      { name: 'filename', type: '', array: '[]', dynamic: 'data_loc', size: 4, offset: 8 },
      { name: 'pid', type: 'pid_t', size: 4, offset: 12, signed: true },
      { name: 'args', type: '', array: '[]', dynamic: 'rel_loc', size: 4, offset: 16 },
    ]);
  });

  it('a bare tracepoint (no record) is kind tracepoint', () => {
    const tp = byName(r, 'sched_update_nr_running_tp');
    expect(tp.kind).toBe('tracepoint');
    expect(tp.fields).toEqual([]);
    expect(tp.fieldsUnknown).toBeUndefined();
    expect(tp.proto).toEqual([{ type: 'struct request *', name: 'rq' }, { type: 'int', name: 'change' }]);
  });

  it('classes sharing a prototype: resolved by name, said in problems; unresolvable ones left unknown', () => {
    expect(byName(r, 'block_rq_issue')).toMatchObject({ kind: 'event', class: 'block_rq', fields: [{ name: 'dev' }, { name: 'sector' }] });
    // block_rq_requeue is a class of its own name.
    expect(byName(r, 'block_rq_requeue')).toMatchObject({ kind: 'event', fields: [{ name: 'dev' }, { name: 'nr_sector' }] });
    expect(byName(r, 'block_rq_requeue').class).toBeUndefined();
    const io = byName(r, 'block_io_start');
    expect(io).toMatchObject({ kind: 'event', fields: [], fieldsUnknown: true });
    expect(io.class).toBeUndefined();
    expect(r.problems.map((p) => p.message)).toEqual([
      'tracepoint block_io_start: class is one of block_rq, block_rq_requeue (same prototype) and their records differ, so its layout is unknown',
      'tracepoint block_rq_issue: class is one of block_rq, block_rq_requeue (same prototype); taken to be block_rq, the longest that prefixes its name',
    ]);
    expect(new Set(r.problems.map((p) => p.file))).toEqual(new Set(['vmlinux']));
  });

  it('outside evidence (a module\'s relocations) settles what names cannot', () => {
    const withEvidence = extractEvents(btf, 'vmlinux', { classOf: new Map([['block_io_start', 'block_rq']]) });
    expect(byName(withEvidence, 'block_io_start')).toMatchObject({ class: 'block_rq', fields: [{ name: 'dev' }, { name: 'sector' }] });
    expect(byName(withEvidence, 'block_io_start').fieldsUnknown).toBeUndefined();
    const strict = extractEvents(btf, 'vmlinux', { resolveByPrefix: false });
    expect(byName(strict, 'block_rq_issue').fieldsUnknown).toBe(true);
  });

  it('kernels before 6.4 (no __probestub_) match classes by argument types', () => {
    const old = extractEvents(parseBtf(sampleBtf({ noProbeStubs: true })), 'vmlinux');
    expect(old.events.map((e) => [e.name, e.kind, e.class ?? '', e.fields.length, e.fieldsUnknown ?? false])).toEqual(
      r.events.map((e) => [e.name, e.kind, e.class ?? '', e.fields.length, e.fieldsUnknown ?? false]),
    );
    expect(byName(old, 'sched_switch').proto).toEqual(byName(r, 'sched_switch').proto);
  });

  it('common fields from struct trace_entry, including PREEMPT_RT 6.1\'s 12-byte one', () => {
    expect(commonFields(btf)).toEqual([
      { name: 'common_type', type: 'short unsigned int', size: 2, offset: 0, signed: false },
      { name: 'common_flags', type: 'unsigned char', size: 1, offset: 2, signed: false },
      { name: 'common_preempt_count', type: 'unsigned char', size: 1, offset: 3, signed: false },
      { name: 'common_pid', type: 'int', size: 4, offset: 4, signed: true },
    ]);
    const rt = parseBtf(sampleBtf({ rt: true }));
    expect(commonFields(rt)!.map((f) => `${f.name}@${f.offset}`)).toEqual([
      'common_type@0', 'common_flags@2', 'common_preempt_count@3', 'common_pid@4', 'common_preempt_lazy_count@8', 'common_migrate_disable@9',
    ]);
    expect(byName(extractEvents(rt, 'rt'), 'sched_switch').fields[0]).toMatchObject({ name: 'prev_comm', offset: 12 });
  });

  it('a module\'s split BTF yields its own tracepoints only, over the vmlinux base', () => {
    const { ids } = sampleKernel();
    const split = new BtfBuilder({ startId: btf.typeCount, strStart: btf.strEnd });
    const voidPtr = ids.voidPtr;
    const proto = split.funcProto(0, [['__data', voidPtr], ['ip', ids.int]]);
    split.func('__bpf_trace_xfs_demo', proto, 0);
    split.func('trace_event_raw_event_xfs_demo', proto, 0);
    split.struct('trace_event_raw_xfs_demo', 16, [{ name: 'ent', type: ids.entry, bitOffset: 0 }, { name: 'ip', type: ids.int, bitOffset: 64 }]);
    split.struct('trace_event_data_offsets_xfs_demo', 0, []);
    split.ref('typedef', split.ref('ptr', split.funcProto(0, [['', voidPtr], ['', ids.int]])), 'btf_trace_xfs_demo');
    const mod = parseBtf(split.build(), { file: 'xfs.ko', base: btf });
    const m = extractEvents(mod, 'kernel/fs/xfs/xfs.ko');
    expect(m.events).toEqual([{ system: '', name: 'xfs_demo', kind: 'event', proto: [{ type: 'int', name: 'ip' }], fields: [{ name: 'ip', type: 'int', size: 4, offset: 8, signed: true }] }]);
    expect(m.problems).toEqual([]);
  });

  it('a record that does not start with struct trace_entry is a problem, not a guess', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const voidPtr = b.ref('ptr', 0);
    const proto = b.funcProto(0, [['__data', voidPtr], ['x', int]]);
    b.func('__bpf_trace_odd', proto, 0);
    b.func('trace_event_raw_event_odd', proto, 0);
    b.struct('trace_event_raw_odd', 4, [{ name: 'x', type: int, bitOffset: 0 }]);
    b.ref('typedef', b.ref('ptr', b.funcProto(0, [['', voidPtr], ['', int]])), 'btf_trace_odd');
    const out = extractEvents(parseBtf(b.build()), 'odd.btf');
    expect(out.problems.map((p) => p.message)).toEqual(["struct trace_event_raw_odd does not start with 'struct trace_entry ent'"]);
    expect(out.events[0]).toMatchObject({ name: 'odd', fields: [], fieldsUnknown: true });
  });
});

describe('classesFromGroups (a vmlinux\'s __bpf_raw_tp_map: tracepoints that share a bpf_func share a class)', () => {
  const cands = (m: Record<string, string[]>) => new Map(Object.entries(m).map(([k, v]) => [k, v.map((name) => ({ name }))]));
  it('a group left with one class takes it, and that class is no other group\'s', () => {
    const c = cands({
      block_rq_requeue: ['block_rq_requeue'],
      block_rq_issue: ['block_rq', 'block_rq_requeue'],
      block_io_start: ['block_rq', 'block_rq_requeue'],
    });
    expect(classesFromGroups([['block_rq_requeue'], ['block_io_start', 'block_rq_issue']], c)).toEqual(
      new Map([['block_rq_requeue', 'block_rq_requeue'], ['block_io_start', 'block_rq'], ['block_rq_issue', 'block_rq']]),
    );
  });
  it('gives nothing where two groups could each be either class', () => {
    const c = cands({ a: ['x', 'y'], b: ['x', 'y'] });
    expect(classesFromGroups([['a'], ['b']], c)).toEqual(new Map());
  });
  it('settles block_io_start in the sample kernel through extractEvents', () => {
    const r = extractEvents(parseBtf(sampleBtf()), 'vmlinux', { sameClass: [['block_rq_requeue'], ['block_io_start', 'block_rq_issue']] });
    expect(r.events.find((e) => e.name === 'block_io_start')).toMatchObject({ class: 'block_rq', fields: [{ name: 'dev' }, { name: 'sector' }] });
    expect(r.problems.map((p) => p.message)).toEqual([]);
  });
});
