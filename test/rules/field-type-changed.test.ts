import rule from '../../rules/field-type-changed.js';
import { edit, real, ruleTester } from './tester.js';

const stop = real('sched:sched_kthread_stop');
const wait = real('sched:sched_process_wait');
const pidToInt = (e: Parameters<Parameters<typeof edit>[1]>[0]) => {
  e.fields.find((f) => f.name === 'pid')!.type = 'int';
};

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
    {
      name: 'one respelling in several events (6.12 → 7.2: ino_t → u64 in dozens) is one finding listing them',
      old: [stop, wait],
      new: [edit(stop, pidToInt), edit(wait, pidToInt)],
      findings: [
        {
          event: 'sched:sched_kthread_stop',
          field: 'pid_t',
          message: 'type pid_t → int (same size and signedness) in 2 fields of 2 events: one respelling across the tree',
          events: ['sched:sched_kthread_stop', 'sched:sched_process_wait'],
        },
      ],
    },
    {
      name: 'a transition whose size is unknown on one side stays per event',
      old: [edit(stop, (e) => delete e.fields[1]!.size), edit(wait, (e) => delete e.fields.find((f) => f.name === 'pid')!.size)],
      new: [edit(stop, pidToInt), edit(wait, pidToInt)],
      findings: [
        { event: 'sched:sched_kthread_stop', field: 'pid', message: "field 'pid' type changed: pid_t → int" },
        { event: 'sched:sched_process_wait', field: 'pid', message: "field 'pid' type changed: pid_t → int" },
      ],
    },
  ],
});
