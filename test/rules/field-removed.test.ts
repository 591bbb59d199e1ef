import rule from '../../rules/field-removed.js';
import { edit, real, ruleTester } from './tester.js';

// 6.8 dropped sched_stat_runtime.vruntime; the old side here has it back, as in 6.7.
const now = real('sched:sched_stat_runtime');
const before = edit(now, (e) => e.fields.push({ name: 'vruntime', type: 'u64', size: 8, offset: 24, signed: false }));

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [now], new: [now] },
    { name: 'a field added is not a removal', old: [now], new: [before] },
    {
      name: 'a field renamed in place is field-renamed, not a removal',
      old: [now],
      new: [edit(now, (e) => (e.fields[2]!.name = 'sum_exec_runtime'))],
    },
  ],
  invalid: [
    {
      name: 'sched_stat_runtime loses vruntime (the real 6.8 change)',
      old: [before],
      new: [now],
      findings: [{ event: 'sched:sched_stat_runtime', field: 'vruntime', message: "field 'vruntime' removed" }],
    },
    {
      name: 'one finding per removed field',
      old: [real('sched:sched_switch')],
      new: [edit(real('sched:sched_switch'), (e) => (e.fields = e.fields.filter((f) => !f.name.endsWith('_prio'))))],
      findings: [{ field: 'next_prio' }, { field: 'prev_prio' }],
    },
  ],
});
