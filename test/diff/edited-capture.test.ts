/**
 * Edited copies of the real 6.18.44 capture: each edit is a change a kernel patch could make, and the diff
 * must report exactly the edits, with the right rule ids and severities, and nothing on untouched events.
 */
import { describe, expect, it } from 'vitest';
import { snapshotFromCapture } from '../../src/sources/tracefs/reader.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import type { CaptureFiles } from '../../src/sources/tracefs/reader.js';
import { capture618, editFormat } from '../helpers/captures.js';
import { RULES } from '../../rules/index.js';
import { isDriftRule } from '../../src/engine/rule.js';

const DRIFT = RULES.filter(isDriftRule);

const line = (decl: string, offset: number, size: number, signed: 0 | 1) =>
  `\tfield:${decl};\toffset:${offset};\tsize:${size};\tsigned:${signed};`;

function findingsBetween(old: CaptureFiles, neu: CaptureFiles, rules = DRIFT) {
  return runDiff(compareSnapshots(snapshotFromCapture(old), snapshotFromCapture(neu)), { rules }).map(
    (f) => `${f.severity} ${f.rule} ${f.event}${f.field ? `.${f.field}` : ''}`,
  );
}

/**
 * A PREEMPT_RT-style header: two one-byte common fields after common_pid (struct trace_entry grows from 8 to 12
 * bytes), and every event's own fields relaid after it by natural alignment, as the kernel lays out
 * struct trace_event_raw_<event> (a __data_loc word is 4-aligned, a scalar or array element to its own size).
 */
function rtHeader(c: CaptureFiles): CaptureFiles {
  const FLEX: Record<string, number> = { char: 1, u32: 4, 'unsigned long': 8 };
  for (const [k, buf] of c.files) {
    if (!k.endsWith('/format')) continue;
    let offset = 12;
    const text = buf
      .toString('utf8')
      .replace(/^\tfield:(.*?);\toffset:(\d+);\tsize:(\d+);/gm, (m, decl: string, _off: string, sz: string) => {
        if (/\bcommon_\w+$/.test(decl)) return m;
        const size = Number(sz);
        const dims = /\[(\d+)\]\s*\w+$|\w+\[(\d+)\]$/.exec(decl);
        const len = dims ? Number(dims[1] ?? dims[2]) : 1;
        const elemType = decl.replace(/\s*\w+(\[\d*\])?$/, '').replace(/\[\d*\]$/, '').trim();
        const align = decl.startsWith('__data_loc') || decl.startsWith('__rel_loc') ? 4 : size === 0 ? FLEX[elemType]! : Math.min(8, size / len);
        if (!align) throw new Error(`no alignment for ${decl} in ${k}`);
        offset = Math.ceil(offset / align) * align;
        const out = `\tfield:${decl};\toffset:${offset};\tsize:${sz};`;
        offset += size;
        return out;
      })
      .replace(
        line('int common_pid', 4, 4, 1),
        `${line('int common_pid', 4, 4, 1)}\n${line('unsigned char common_migrate_disable', 8, 1, 0)}\n${line('unsigned char common_preempt_lazy_count', 9, 1, 0)}`,
      );
    c.files.set(k, Buffer.from(text));
  }
  return c;
}

function moveFormat(c: CaptureFiles, from: string, to: string, rename?: [string, string]): void {
  const key = `events/${from.replace(':', '/')}/format`;
  let buf = c.files.get(key)!;
  c.files.delete(key);
  if (rename) buf = Buffer.from(buf.toString('utf8').replace(`name: ${rename[0]}\n`, `name: ${rename[1]}\n`));
  c.files.set(`events/${to.replace(':', '/')}/format`, buf);
}

describe('diff of the real capture against edited copies', () => {
  it('reports exactly the edits, each with its rule and severity', async () => {
    const old = await capture618();
    const neu = await capture618();
    // The real upstream change (6.8): sched_stat_runtime lost `vruntime`. The old side gets it back.
    editFormat(old, 'sched:sched_stat_runtime', (t) =>
      t.replace(line('u64 runtime', 16, 8, 0), `${line('u64 runtime', 16, 8, 0)}\n${line('u64 vruntime', 24, 8, 0)}`),
    );
    // Widen a type (last field: nothing moves).
    editFormat(neu, 'kmem:kmalloc', (t) => t.replace(line('int node', 48, 4, 1), line('long node', 48, 8, 1)));
    // Grow an array: the two fields behind it move.
    editFormat(neu, 'sched:sched_switch', (t) =>
      t
        .replace(line('char next_comm[16]', 40, 16, 0), line('char next_comm[24]', 40, 24, 0))
        .replace(line('pid_t next_pid', 56, 4, 1), line('pid_t next_pid', 64, 4, 1))
        .replace(line('int next_prio', 60, 4, 1), line('int next_prio', 68, 4, 1)),
    );
    // Fixed array → __data_loc, and the reverse.
    editFormat(neu, 'sched:sched_waking', (t) =>
      t
        .replace(line('char comm[16]', 8, 16, 0), line('__data_loc char[] comm', 8, 4, 0))
        .replace(line('pid_t pid', 24, 4, 1), line('pid_t pid', 12, 4, 1))
        .replace(line('int prio', 28, 4, 1), line('int prio', 16, 4, 1))
        .replace(line('int target_cpu', 32, 4, 1), line('int target_cpu', 20, 4, 1)),
    );
    editFormat(neu, 'sched:sched_process_free', (t) =>
      t
        .replace(line('__data_loc char[] comm', 8, 4, 0), line('char comm[16]', 8, 16, 0))
        .replace(line('pid_t pid', 12, 4, 1), line('pid_t pid', 24, 4, 1))
        .replace(line('int prio', 16, 4, 1), line('int prio', 28, 4, 1)),
    );
    // Same size and sign, another type name; signedness flip; a field renamed in place; a field added.
    editFormat(neu, 'sched:sched_kthread_stop', (t) => t.replace(line('pid_t pid', 12, 4, 1), line('int pid', 12, 4, 1)));
    editFormat(neu, 'sched:sched_process_exit', (t) => t.replace(/field:int prio;(\toffset:\d+;\tsize:4;)\tsigned:1;/, 'field:unsigned int prio;$1\tsigned:0;'));
    editFormat(neu, 'irq:softirq_entry', (t) => t.replace('field:unsigned int vec;', 'field:unsigned int vector;'));
    editFormat(neu, 'kmem:kfree', (t) => t.replace(line('const void * ptr', 16, 8, 0), `${line('const void * ptr', 16, 8, 0)}\n${line('size_t bytes', 24, 8, 0)}`));
    // Print format and symbol table.
    editFormat(neu, 'sched:sched_process_fork', (t) => t.replace('print fmt: "comm=%s', 'print fmt: "parent=%s'));
    editFormat(neu, 'irq:softirq_raise', (t) => t.replace('{ 0, "HI" }', '{ 0, "HIGH" }'));
    // Events: dropped, added, renamed, moved to another system.
    neu.files.delete('events/irq/irq_handler_exit/format');
    neu.files.set(
      'events/sched/sched_brand_new/format',
      Buffer.from('name: sched_brand_new\nID: 9999\nformat:\n' + line('unsigned short common_type', 0, 2, 0) + '\n' +
        line('unsigned char common_flags', 2, 1, 0) + '\n' + line('unsigned char common_preempt_count', 3, 1, 0) + '\n' +
        line('int common_pid', 4, 4, 1) + '\n\n' + line('u64 cookie', 8, 8, 0) + '\n\nprint fmt: "cookie=%llu", REC->cookie\n'),
    );
    moveFormat(neu, 'timer:timer_start', 'timer:timer_begin', ['timer_start', 'timer_begin']);
    moveFormat(neu, 'irq:irq_handler_entry', 'hardirq:irq_handler_entry');

    expect(findingsBetween(old, neu).sort()).toEqual(
      [
        'error field-removed sched:sched_stat_runtime.vruntime',
        'error field-size-changed kmem:kmalloc.node',
        'error field-size-changed sched:sched_switch.next_comm',
        'warning field-offset-changed sched:sched_switch',
        'error field-became-dynamic sched:sched_waking.comm',
        'warning field-offset-changed sched:sched_waking',
        'error field-became-dynamic sched:sched_process_free.comm',
        'warning field-offset-changed sched:sched_process_free',
        'warning field-type-changed sched:sched_kthread_stop.pid',
        'warning field-signedness-changed sched:sched_process_exit.prio',
        'error field-renamed irq:softirq_entry.vec',
        'info field-added kmem:kfree.bytes',
        'warning print-format-changed sched:sched_process_fork',
        'warning print-symbols-changed irq:softirq_raise',
        'error event-removed irq:irq_handler_exit',
        'info event-added sched:sched_brand_new',
        'error event-renamed timer:timer_start',
        'error event-moved-system irq:irq_handler_entry',
      ].sort(),
    );
  });

  it('runs the audit rules on what the new side adds or changes, and only on that', async () => {
    const old = await capture618();
    const neu = await capture618();
    // A rename that forgets the print format, and a new field nobody prints: the audit sees both. kfree's raw
    // `ptr` was there before the change: its pointer-field finding is the old kernel's, not introduced here.
    editFormat(neu, 'irq:softirq_entry', (t) => t.replace('field:unsigned int vec;', 'field:unsigned int vector;'));
    editFormat(neu, 'kmem:kfree', (t) => t.replace('\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;', '\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n\tfield:size_t bytes;\toffset:24;\tsize:8;\tsigned:0;'));
    const audit = findingsBetween(old, neu, RULES).filter((f) => !/ field-(renamed|added) /.test(f));
    expect(audit.sort()).toEqual([
      'error print-unknown-field irq:softirq_entry.vec',
      'info unprinted-field irq:softirq_entry.vector',
      'info unprinted-field kmem:kfree.bytes',
    ]);
  });

  it('says once per event how many fields moved, with old and new offsets', async () => {
    const old = await capture618();
    const neu = await capture618();
    editFormat(neu, 'sched:sched_waking', (t) =>
      t
        .replace(line('char comm[16]', 8, 16, 0), line('__data_loc char[] comm', 8, 4, 0))
        .replace(line('pid_t pid', 24, 4, 1), line('pid_t pid', 12, 4, 1))
        .replace(line('int prio', 28, 4, 1), line('int prio', 16, 4, 1))
        .replace(line('int target_cpu', 32, 4, 1), line('int target_cpu', 20, 4, 1)),
    );
    const moved = runDiff(compareSnapshots(snapshotFromCapture(old), snapshotFromCapture(neu))).find((f) => f.rule === 'field-offset-changed')!;
    expect(moved.message).toBe("3 fields moved (first 'pid': offset 24 → 12)");
    expect(moved.old).toEqual({ pid: 24, prio: 28, target_cpu: 32 });
    expect(moved.new).toEqual({ pid: 12, prio: 16, target_cpu: 20 });
  });

  it('finds nothing when only event IDs change (IDs differ between boots)', async () => {
    const old = await capture618();
    const neu = await capture618();
    for (const [k, buf] of neu.files) {
      if (!k.endsWith('/format')) continue;
      neu.files.set(k, Buffer.from(buf.toString('utf8').replace(/^ID: (\d+)$/m, (_m, id: string) => `ID: ${Number(id) + 1000}`)));
    }
    const a = snapshotFromCapture(old);
    const b = snapshotFromCapture(neu);
    expect(a.events[0]!.id).not.toBe(b.events[0]!.id);
    expect(runDiff(compareSnapshots(a, b))).toEqual([]);
  });

  it('reports RT-style common fields once, not once per event, with the events that moved with them', async () => {
    const old = await capture618();
    const neu = rtHeader(await capture618());
    const findings = runDiff(compareSnapshots(snapshotFromCapture(old), snapshotFromCapture(neu)));
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.event}`)).toEqual(['warning common-fields-changed *']);
    const f = findings[0]!;
    expect(f.message).toMatch(
      /^common header changed for every event: added unsigned char common_migrate_disable @8 \(1\), unsigned char common_preempt_lazy_count @9 \(1\) \(header 8 → 12 bytes\); the fields of \d+ events moved with it \(payload \+4: \d+ events, payload \+8: \d+ events\)$/,
    );
    const moved = (f.new as { eventsMovedBy: Record<string, number> }).eventsMovedBy;
    // Every event with fields moved: its payload starts 4 later (first field 4-aligned or less) or 8 (8-aligned).
    const withFields = snapshotFromCapture(old).events.filter((e) => e.fields.length > 0).length;
    expect(Object.values(moved).reduce((a, b) => a + b, 0)).toBe(withFields);
    expect(Object.keys(moved)).toEqual(['+4', '+8']);
    expect(f.old).toMatchObject({ bytes: 8 });
    expect(f.new).toMatchObject({ bytes: 12 });
  });

  it('an event whose fields moved otherwise than the header moved them still gets its own finding', async () => {
    const old = await capture618();
    const neu = await capture618();
    // sched_switch's next_comm grows by 8 (the two fields behind it move 8 more), then the header changes.
    editFormat(neu, 'sched:sched_switch', (t) => t.replace(line('char next_comm[16]', 40, 16, 0), line('char next_comm[24]', 40, 24, 0)));
    rtHeader(neu);
    const findings = runDiff(compareSnapshots(snapshotFromCapture(old), snapshotFromCapture(neu)), { rules: DRIFT });
    expect(findings.map((x) => `${x.rule} ${x.event}${x.field ? `.${x.field}` : ''}`).sort()).toEqual([
      'common-fields-changed *',
      'field-offset-changed sched:sched_switch',
      'field-size-changed sched:sched_switch.next_comm',
    ]);
    const moved = findings.find((x) => x.rule === 'field-offset-changed')!;
    expect(moved.message).toBe("2 fields moved (first 'next_pid': offset 56 → 72, where the new common header alone would put it at 64)");
    expect(findings.find((x) => x.rule === 'common-fields-changed')!.message).toMatch(/; 1 event moved otherwise, reported on their own$/);
  });

  it('finds nothing between a capture and itself', async () => {
    const a = snapshotFromCapture(await capture618());
    expect(runDiff(compareSnapshots(a, a))).toEqual([]);
  });
});
