/**
 * Definition forms of 7.x kernels, on excerpts of Debian's linux-source-7.2 (test/fixtures/tree/forms-7x/README):
 * TRACE_EVENT_SYSCALL, rv monitor snippets included through `-I $(src)`, a comment inside a multi-line
 * #define, a snippet no header includes; and a comparison in which one side could not read a file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTree } from '../../src/sources/tree/index.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { parsePrint } from '../../src/sources/tree/bodies.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const SYSCALLS_H = 'include/trace/events/syscalls.h';

/**
 * The forms-7x tree as the reader sees it: test/fixtures/tree/forms-7x plus 7.2's syscalls.h, whose one copy is
 * test/fixtures/tree-forms/linux-7.2's (forms.test.ts reads it there). Assembled in a tmp dir because the tree
 * reader does not follow symbolic links; the folder keeps the name forms-7x, which is the snapshot's source.
 */
function assembleTree(): string {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-forms-7x-')), 'forms-7x');
  fs.cpSync(path.join(FIXTURES, 'tree/forms-7x'), root, { recursive: true });
  fs.mkdirSync(path.dirname(path.join(root, SYSCALLS_H)), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'tree-forms/linux-7.2', SYSCALLS_H), path.join(root, SYSCALLS_H));
  return root;
}

describe('7.x definition forms', async () => {
  const tree = assembleTree();
  afterAll(() => fs.rmSync(path.dirname(tree), { recursive: true, force: true }));
  const s = await loadTree(tree, { workers: 0, parseCache: false });
  const keys = s.events.map((e) => `${e.system}:${e.name}`);

  it('TRACE_EVENT_SYSCALL defines raw_syscalls:sys_enter and sys_exit, as TRACE_EVENT_FN did', () => {
    const enter = s.events.find((e) => e.system === 'raw_syscalls' && e.name === 'sys_enter')!;
    expect(enter.fields.map((f) => `${f.type} ${f.name}${f.array ? `[${f.array}]` : ''}@${f.offset}+${f.size}`)).toEqual(['long id@8+8', 'unsigned long args[6]@16+48']);
    expect(enter.print?.fmt).toBe('NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)');
    expect(enter.condition).toBe('defined(CONFIG_HAVE_SYSCALL_TRACEPOINTS)');
    expect(keys).toContain('raw_syscalls:sys_exit');
  });

  it('rv monitor snippets are read under rv_trace.h, which includes them as <monitors/...>', () => {
    expect(keys).toContain('rv:event_nrp');
    expect(keys).toContain('rv:error_nrp');
    const e = s.events.find((x) => x.name === 'event_nrp')!;
    expect(e.location).toEqual({ file: 'kernel/trace/rv/monitors/nrp/nrp_trace.h', line: 8 });
    expect(e.class).toBe('event_da_monitor_id');
    expect(e.condition).toBe('defined(CONFIG_DA_MON_EVENTS_ID) && defined(CONFIG_RV_MON_NRP)');
  });

  it('a comment inside a multi-line #define does not end it (panthor_device.h)', () => {
    expect(keys).toContain('panthor:gpu_power_status');
    expect((s.problems ?? []).filter((p) => p.file.includes('panthor'))).toEqual([]);
  });

  it('a format that starts with __stringify(X) (kernel/trace/rv/rv_trace.h, rv_retries_error)', () => {
    const text = `TP_printk(__stringify(MAX_DA_RETRY_RACING_EVENTS)
		" retries reached for event %s, resetting monitor %s",
		__get_str(event), __get_str(name))`;
    expect(parsePrint(text)).toEqual({ fmt: 'MAX_DA_RETRY_RACING_EVENTS retries reached for event %s, resetting monitor %s', args: ['__get_str(event)', '__get_str(name)'] });
    expect(parsePrint(text.replace('MAX_DA_RETRY_RACING_EVENTS', '3'))?.fmt).toBe('3 retries reached for event %s, resetting monitor %s');
  });

  it('a snippet with no TRACE_SYSTEM that nothing includes is one problem naming its definitions', () => {
    expect(s.problems).toEqual([
      {
        file: 'drivers/orphan/orphan_trace.h',
        line: 8,
        message: '2 definition(s) with no TRACE_SYSTEM (event_orphan, error_orphan): a snippet for a header that defines TRACE_SYSTEM and includes it, and none here does',
      },
    ]);
  });

  it('an event in a file the new side could not read is not reported removed', () => {
    const unreadable: Snapshot = {
      ...s,
      events: s.events.filter((e) => e.system !== 'raw_syscalls'),
      problems: [{ file: SYSCALLS_H, line: 18, message: 'unknown top-level form TRACE_EVENT_SYSCALL(...)' }],
    };
    const cmp = compareSnapshots(s, unreadable);
    expect(cmp.removed).toEqual([]);
    expect(cmp.unread.map((u) => `${u.side}:${u.event.system}:${u.event.name}:${u.unreadBy}`)).toEqual(['old:raw_syscalls:sys_enter:new', 'old:raw_syscalls:sys_exit:new']);
    expect(runDiff(cmp).filter((f) => f.rule === 'event-removed')).toEqual([]);
    // Read on both sides, a real removal is still one.
    const removed = compareSnapshots(s, { ...s, events: s.events.filter((e) => e.system !== 'raw_syscalls') });
    expect(runDiff(removed).filter((f) => f.rule === 'event-removed').map((f) => f.event)).toEqual(['raw_syscalls:sys_enter', 'raw_syscalls:sys_exit']);
  });
});
