import rule from '../../rules/field-type-changed.js';
import { edit, real, ruleTester } from './tester.js';

const stop = real('sched:sched_kthread_stop');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [stop], new: [stop] },
    { name: 'spelling only (unsigned vs unsigned int) is the same type', old: [real('irq:softirq_entry')], new: [edit(real('irq:softirq_entry'), (e) => (e.fields[0]!.type = 'unsigned'))] },
    { name: 'a size change belongs to field-size-changed', old: [stop], new: [edit(stop, (e) => Object.assign(e.fields[1]!, { type: 'long', size: 8 }))] },
  ],
  invalid: [
    {
      name: 'pid_t → int: same size and sign, another name',
      old: [stop],
      new: [edit(stop, (e) => (e.fields[1]!.type = 'int'))],
      findings: [{ event: 'sched:sched_kthread_stop', field: 'pid', message: "field 'pid' type changed: pid_t → int" }],
    },
  ],
});
