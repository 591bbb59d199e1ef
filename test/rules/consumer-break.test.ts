/**
 * consumer-break, table by table: each read mode against the kernel changes that break it and those that do
 * not, on real events of the 6.18.44 capture (edited), with uses as the readers produce them.
 */
import { describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runConsumers, runDiff } from '../../src/engine/run.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Use } from '../../src/consumers/model.js';
import type { EventDef, Field } from '../../src/model/snapshot.js';
import { edit, real, snapshot, type Side } from './tester.js';
import { RULES } from '../../rules/index.js';
import consumerBreak from '../../rules/consumer-break.js';

const SWITCH = 'sched:sched_switch';

function use(u: Partial<Use> & Pick<Use, 'event' | 'read'>): Use {
  return { tool: 'tool.bt', family: 'bpftrace', file: 'tool.bt', line: 7, attach: 'tracefs', ...u };
}

function breaks(oldSide: Side | EventDef[], newSide: Side | EventDef[], uses: Use[]): Finding[] {
  return runDiff(compareSnapshots(snapshot(oldSide), snapshot(newSide)), { uses }).filter((f) => f.rule === 'consumer-break');
}

/** Moves every field from `from` on by `by` bytes (what inserting a field before them does). */
function shiftFrom(e: EventDef, from: string, by: number): void {
  const i = e.fields.findIndex((f) => f.name === from);
  for (const f of e.fields.slice(i)) f.offset! += by;
}

function insertBefore(e: EventDef, before: string, f: Field): void {
  shiftFrom(e, before, f.size!);
  e.fields.splice(e.fields.findIndex((x) => x.name === before), 0, f);
}

const sw = () => real(SWITCH);
const nextPid = use({ event: SWITCH, field: 'next_pid', read: 'by-name' });
const nextPidFixed = use({ event: SWITCH, field: 'next_pid', read: 'fixed-offset', offset: 56, size: 4, family: 'bcc', tool: 'fixed' });

describe('consumer-break: by-name readers', () => {
  const cases: { name: string; new: EventDef; cause?: string }[] = [
    { name: 'a field inserted before it (offsets move)', new: edit(sw(), (e) => insertBefore(e, 'next_comm', { name: 'x', type: 'u64', size: 8, offset: 0, signed: false })) },
    { name: 'a field appended', new: edit(sw(), (e) => e.fields.push({ name: 'extra', type: 'int', size: 4, offset: 68, signed: true })) },
    { name: 'signedness changed', new: edit(sw(), (e) => (e.fields.find((f) => f.name === 'next_pid')!.signed = false)) },
    { name: 'the field removed', new: edit(sw(), (e) => (e.fields = e.fields.filter((f) => f.name !== 'next_pid'))), cause: 'field-removed' },
    { name: 'the field renamed', new: edit(sw(), (e) => (e.fields.find((f) => f.name === 'next_pid')!.name = 'next_tid')), cause: 'field-renamed' },
    { name: 'an integer became a pointer', new: edit(sw(), (e) => (e.fields.find((f) => f.name === 'next_pid')!.type = 'void *')), cause: 'field-type-changed' },
    { name: 'the integer widened', new: edit(sw(), (e) => Object.assign(e.fields.find((f) => f.name === 'next_pid')!, { type: 'long', size: 8 })), cause: 'field-size-changed' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.cause ?? 'keeps working'}`, () => {
      const found = breaks([sw()], [c.new], [nextPid]);
      if (!c.cause) expect(found).toEqual([]);
      else {
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ severity: 'error', event: SWITCH, field: 'next_pid', cause: c.cause, consumer: { tool: 'tool.bt', file: 'tool.bt', line: 7, read: 'by-name' } });
        expect(found[0]!.message).toContain(`(${c.cause})`);
        expect(found[0]!.message).toContain('tool.bt (tool.bt:7)');
      }
    });
  }

  it('a fixed array that became __data_loc breaks a reader of the string in place', () => {
    const comm = use({ event: SWITCH, field: 'next_comm', read: 'by-name' });
    const n = edit(sw(), (e) => Object.assign(e.fields.find((f) => f.name === 'next_comm')!, { array: '[]', dynamic: 'data_loc', size: 4 }));
    const [f, ...rest] = breaks([sw()], [n], [comm]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ cause: 'field-became-dynamic', field: 'next_comm', severity: 'error' });
    expect(f!.message).toContain('__data_loc');
  });

  it('a removed event is one finding per tool, however many fields it reads', () => {
    const other = real('sched:sched_wakeup');
    const uses = [nextPid, use({ event: SWITCH, field: 'prev_pid', read: 'by-name', line: 9 })];
    const found = breaks([sw(), other], [other], uses);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ cause: 'event-removed', event: SWITCH, severity: 'error' });
    expect(found[0]!.field).toBeUndefined();
  });

  it('a field the old side did not have either is no change', () => {
    expect(breaks([sw()], [sw()], [use({ event: SWITCH, field: 'nonesuch', read: 'by-name' })])).toEqual([]);
  });
});

describe('consumer-break: fixed-offset readers', () => {
  it('break on any move of what they read', () => {
    const n = edit(sw(), (e) => insertBefore(e, 'next_comm', { name: 'x', type: 'u64', size: 8, offset: 0, signed: false }));
    const [f, ...rest] = breaks([sw()], [n], [nextPidFixed, nextPid]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ cause: 'field-offset-changed', consumer: { tool: 'fixed', read: 'fixed-offset' }, old: 56, new: 64 });
  });
  it('do not break on a field appended after them', () => {
    expect(breaks([sw()], [edit(sw(), (e) => e.fields.push({ name: 'extra', type: 'int', size: 4, offset: 68, signed: true }))], [nextPidFixed])).toEqual([]);
  });
  it('against one kernel: the hand-written offset is compared with the kernel\'s', () => {
    const k = snapshot([sw()]);
    expect(runConsumers({ uses: [nextPidFixed], kernel: k })).toEqual([]);
    const wrong = { ...nextPidFixed, offset: 52 };
    const [f] = runConsumers({ uses: [wrong], kernel: k });
    expect(f).toMatchObject({ rule: 'consumer-break', severity: 'error', cause: 'mismatch' });
    expect(f!.message).toContain("'next_pid' is at offset 56");
  });
});

describe('consumer-break: positional readers', () => {
  const proto = [
    { type: 'bool', name: 'preempt' },
    { type: 'struct task_struct *', name: 'prev' },
    { type: 'struct task_struct *', name: 'next' },
    { type: 'unsigned int', name: 'prev_state' },
  ];
  const withProto = (p: typeof proto): Side => ({ kind: 'tree', events: [edit(sw(), (e) => (e.proto = p))] });
  const arg1 = use({ event: ':sched_switch', attach: 'raw_tp', arg: 1, read: 'positional', type: 'struct task_struct *' });
  const cases: { name: string; proto: typeof proto; breaks: boolean }[] = [
    { name: 'an argument appended', proto: [...proto, { type: 'int', name: 'extra' }], breaks: false },
    { name: 'an argument after the index retyped', proto: proto.map((a, i) => (i === 3 ? { ...a, type: 'long' } : a)), breaks: false },
    { name: 'an argument inserted before the index', proto: [{ type: 'int', name: 'cpu' }, ...proto], breaks: true },
    { name: 'an argument before the index removed', proto: proto.slice(1), breaks: true },
    { name: 'the argument itself retyped', proto: proto.map((a, i) => (i === 1 ? { ...a, type: 'struct rq *' } : a)), breaks: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.breaks ? 'breaks' : 'keeps working'}`, () => {
      const found = breaks(withProto(proto), withProto(c.proto), [arg1]);
      expect(found.map((f) => f.cause)).toEqual(c.breaks ? ['proto-changed'] : []);
      if (c.breaks) expect(found[0]).toMatchObject({ field: 'arg1', severity: 'error', event: SWITCH });
    });
  }
  it('a capture has no TP_PROTO: a positional use there is not checked, never called broken', () => {
    expect(runConsumers({ uses: [arg1], kernel: snapshot([sw()]) })).toEqual([]);
  });
});

describe('consumer-break: guards', () => {
  const kmalloc = real('kmem:kmalloc');
  const node = edit(kmalloc, (e) => (e.name = 'kmalloc_node'));
  const guarded = (event: string, guard: string) => use({ tool: 'memleak-bpfcc', family: 'bcc', file: 'memleak-bpfcc', event, field: 'ptr', read: 'by-name', guarded: guard });
  it("memleak's TRACEPOINT_PROBE(kmem, kmalloc_node) behind BPF.tracepoint_exists takes its fallback: info", () => {
    const u = guarded('kmem:kmalloc_node', 'BPF.tracepoint_exists("kmem", "kmalloc_node")');
    const [f, ...rest] = breaks([kmalloc, node], [kmalloc], [u]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'info', cause: 'event-removed' });
    expect(f!.message).toContain('takes its fallback');
  });
  it('a guard naming another event that is still there does not cover the removal: error', () => {
    const u = guarded('kmem:kmalloc_node', 'BPF.tracepoint_exists("kmem", "kmalloc")');
    expect(breaks([kmalloc, node], [kmalloc], [u]).map((f) => f.severity)).toEqual(['error']);
  });
  it('against one kernel, the same guard evaluates there', () => {
    const u = guarded('kmem:kmalloc_node', 'BPF.tracepoint_exists("kmem", "kmalloc_node")');
    expect(runConsumers({ uses: [u], kernel: snapshot([kmalloc]) }).map((f) => f.severity)).toEqual(['info']);
  });
});

describe('consumer-break: one kernel alone and the drift findings', () => {
  it('a tree that predicted no syscall events: a syscalls use is not checked there, never called missing', () => {
    const u = use({ event: 'syscalls:sys_enter_openat', field: 'filename', read: 'by-name' });
    expect(runConsumers({ uses: [u], kernel: snapshot({ kind: 'tree', events: [sw()] }) })).toEqual([]);
    expect(runConsumers({ uses: [u], kernel: snapshot([sw()]) }).map((f) => f.cause)).toEqual(['missing']);
  });
  it('drift findings list the tools that read what they touch', () => {
    const n = edit(sw(), (e) => (e.fields = e.fields.filter((f) => f.name !== 'next_pid')));
    const all = runDiff(compareSnapshots(snapshot([sw()]), snapshot([n])), { uses: [nextPid, use({ tool: 'other', file: 'other', event: SWITCH, field: 'prev_pid', read: 'by-name' })] });
    const removed = all.find((f) => f.rule === 'field-removed')!;
    expect(removed.consumers).toEqual([{ tool: 'tool.bt', file: 'tool.bt', line: 7 }]);
  });
  it('a wildcard use breaks only when nothing matches any more', () => {
    const wake = real('sched:sched_wakeup');
    const wnew = real('sched:sched_wakeup_new');
    const u = use({ event: 'sched:sched_wakeup*', read: 'exists-only' });
    expect(breaks([wake, wnew], [wake], [u])).toEqual([]);
    expect(breaks([wake, wnew], [sw()], [u]).map((f) => f.cause)).toEqual(['event-removed', 'event-removed']);
  });
  it('an event a tree defines once per architecture works if one variant has what the use reads (kvm:kvm_exit)', () => {
    const x86 = real('kvm:kvm_exit');
    const arm = edit(x86, (e) => (e.fields = e.fields.filter((f) => f.name !== 'exit_reason')));
    const u = use({ event: 'kvm:kvm_exit', field: 'exit_reason', read: 'by-name' });
    expect(runConsumers({ uses: [u], kernel: snapshot({ kind: 'tree', events: [arm, x86] }) })).toEqual([]);
    expect(runConsumers({ uses: [u], kernel: snapshot({ kind: 'tree', events: [arm] }) }).map((f) => f.cause)).toEqual(['missing']);
  });
  it('is registered as a consumer rule', () => {
    expect(RULES.find((r) => r.meta.id === 'consumer-break')).toBe(consumerBreak);
    expect(consumerBreak.meta.category).toBe('consumer');
  });
});
