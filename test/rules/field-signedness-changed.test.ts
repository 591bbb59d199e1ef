import rule from '../../rules/field-signedness-changed.js';
import { edit, real, ruleTester } from './tester.js';

const waking = real('sched:sched_waking');
const exit = real('sched:sched_process_exit');
const signedChar = (e: typeof waking) => edit(e, (x) => x.fields.forEach((f) => f.type === 'char' && (f.signed = true)));

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [waking], new: [waking] },
    {
      name: 'signedness unknown on one side (pre-2.6.32 formats print no signed:)',
      old: [edit(waking, (e) => e.fields.forEach((f) => delete f.signed))],
      new: [waking],
    },
  ],
  invalid: [
    {
      name: 'int → unsigned int',
      old: [exit],
      new: [edit(exit, (e) => Object.assign(e.fields.find((f) => f.name === 'prio')!, { type: 'unsigned int', signed: false }))],
      findings: [{ event: 'sched:sched_process_exit', field: 'prio', message: "field 'prio' changed from signed to unsigned: int → unsigned int" }],
    },
    {
      name: 'char became unsigned everywhere (-funsigned-char, 6.2; the real Ubuntu 5.15 → 6.18 change): one finding',
      old: [signedChar(waking), signedChar(exit)],
      new: [waking, exit],
      findings: [
        {
          event: 'sched:sched_process_exit',
          field: 'char',
          events: ['sched:sched_process_exit', 'sched:sched_waking'],
          message: "plain char changed signed → unsigned in 2 fields of 2 events (the kernel's char signedness changed: -funsigned-char since 6.2)",
        },
      ],
    },
  ],
});
