import rule from '../../rules/field-offset-changed.js';
import { edit, real, ruleTester } from './tester.js';

const sw = real('sched:sched_switch');
const grown = edit(sw, (e) => {
  Object.assign(e.fields.find((f) => f.name === 'next_comm')!, { array: 24, size: 24 });
  e.fields.find((f) => f.name === 'next_pid')!.offset = 64;
  e.fields.find((f) => f.name === 'next_prio')!.offset = 68;
});

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [sw], new: [sw] },
    {
      name: 'every field moved by a larger common header is not a per-event move',
      old: [sw],
      new: [edit(sw, (e) => e.fields.forEach((f) => (f.offset! += 8)))],
    },
    { name: 'offsets unknown', old: { kind: 'tree', events: [edit(sw, (e) => e.fields.forEach((f) => delete f.offset))] }, new: [sw] },
  ],
  invalid: [
    {
      name: 'an array grows: the fields behind it move, said once',
      old: [sw],
      new: [grown],
      findings: [{ event: 'sched:sched_switch', message: "2 fields moved (first 'next_pid': offset 56 → 64)", old: { next_pid: 56, next_prio: 60 }, new: { next_pid: 64, next_prio: 68 } }],
    },
    {
      name: 'a field inserted at the front moves everything behind it',
      old: [real('irq:irq_handler_entry')],
      new: [
        edit(real('irq:irq_handler_entry'), (e) => {
          e.fields.forEach((f) => (f.offset! += 8));
          e.fields.unshift({ name: 'cpu', type: 'u64', size: 8, offset: 8, signed: false });
        }),
      ],
      findings: [{ message: "2 fields moved (first 'irq': offset 8 → 16)" }],
    },
  ],
});
