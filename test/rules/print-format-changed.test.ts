import rule from '../../rules/print-format-changed.js';
import { edit, real, ruleTester } from './tester.js';

const wakeup = real('sched:sched_wakeup');
const raise = real('irq:softirq_raise');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [wakeup], new: [wakeup] },
    { name: 'whitespace and number spelling in arguments are no change', old: [raise], new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace(/ 0, "HI"/, '0x0,"HI"')))] },
    { name: 'a symbol-table change alone is print-symbols-changed', old: [raise], new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('"HI"', '"HIGH"')))] },
    {
      name: 'tree vs tracefs: arguments are written differently, only the format string compares',
      old: { kind: 'tree', events: [edit(wakeup, (e) => (e.print!.args = ['__entry->comm', '__entry->pid', '__entry->prio', '__entry->target_cpu']))] },
      new: [wakeup],
    },
  ],
  invalid: [
    {
      name: 'the format string changes',
      old: [wakeup],
      new: [edit(wakeup, (e) => (e.print!.fmt = 'comm=%s pid=%d prio=%d target_cpu=%d'))],
      findings: [{ event: 'sched:sched_wakeup', message: 'print format string changed', old: 'comm=%s pid=%d prio=%d target_cpu=%03d', new: 'comm=%s pid=%d prio=%d target_cpu=%d' }],
    },
    {
      name: 'an argument changes',
      old: [wakeup],
      new: [edit(wakeup, (e) => (e.print!.args[2] = 'REC->prio - 100'))],
      findings: [{ message: 'print argument 3 changed', old: 'REC->prio', new: 'REC->prio-0x64' }],
    },
  ],
});
