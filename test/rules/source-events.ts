/**
 * Events as the tree extractor reads them from real Debian 6.12 headers (trimmed to what the audit rules
 * look at), for the rules that need source: TP_fast_assign, call sites, classes.
 */
import type { EventDef } from '../../src/model/snapshot.js';

/** include/trace/events/sched.h, 6.12: `sched_kthread_stop_ret`, TRACE_EVENT with one field. */
export const kthreadStopRet: EventDef = {
  system: 'sched',
  name: 'sched_kthread_stop_ret',
  kind: 'event',
  proto: [{ type: 'int', name: 'ret' }],
  fields: [{ name: 'ret', type: 'int', size: 4, offset: 8, signed: true, macro: '__field', line: 48 }],
  print: { fmt: 'ret=%d', args: ['REC->ret'] },
  written: ['ret'],
  assignDigest: 'a1',
  location: { file: 'include/trace/events/sched.h', line: 40 },
  calls: { count: 1 },
};

/** The 4.x-era sched_wakeup_template, with the `success` field kept at 1 for powertop. */
export const wakeupWithSuccess: EventDef = {
  system: 'sched',
  name: 'sched_wakeup',
  kind: 'event',
  class: 'sched_wakeup_template',
  fields: [
    { name: 'comm', type: 'char', array: 16, size: 16, offset: 8, signed: false, macro: '__array', line: 62 },
    { name: 'pid', type: 'pid_t', size: 4, offset: 24, signed: true, macro: '__field', line: 63 },
    { name: 'prio', type: 'int', size: 4, offset: 28, signed: true, macro: '__field', line: 64 },
    { name: 'success', type: 'int', size: 4, offset: 32, signed: true, macro: '__field', line: 65 },
    { name: 'target_cpu', type: 'int', size: 4, offset: 36, signed: true, macro: '__field', line: 66 },
  ],
  print: { fmt: 'comm=%s pid=%d prio=%d target_cpu=%03d', args: ['REC->comm', 'REC->pid', 'REC->prio', 'REC->target_cpu'] },
  assign: { success: '1' },
  written: ['comm', 'pid', 'prio', 'success', 'target_cpu'],
  assignDigest: 'w1',
  location: { file: 'include/trace/events/sched.h', line: 56 },
  calls: { count: 2 },
};
