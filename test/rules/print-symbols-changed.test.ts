import rule from '../../rules/print-symbols-changed.js';
import { edit, real, ruleTester } from './tester.js';

const raise = real('irq:softirq_raise');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [raise], new: [raise] },
    { name: 'an event without tables', old: [real('sched:sched_wakeup')], new: [real('sched:sched_wakeup')] },
    { name: 'values written with other widths (0x0001 vs 0x00000001) are the same', old: [raise], new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('{ 1, "TIMER" }', '{ 0x00000001, "TIMER" }')))] },
  ],
  invalid: [
    {
      name: 'a name changes',
      old: [raise],
      new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('"HI"', '"HIGH"')))],
      findings: [{ event: 'irq:softirq_raise', message: 'print symbol table changed: removed HI; added HIGH' }],
    },
    {
      name: 'a value changes',
      old: [raise],
      new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('{ 1, "TIMER" }', '{ 11, "TIMER" }')))],
      findings: [{ message: 'print symbol table changed: new values for TIMER' }],
    },
  ],
});
