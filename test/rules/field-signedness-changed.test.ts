import rule from '../../rules/field-signedness-changed.js';
import { edit, real, ruleTester } from './tester.js';

const waking = real('sched:sched_waking');

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
      name: 'char became unsigned (-funsigned-char, 6.2): the real Ubuntu 5.15 → 6.18 change',
      old: [edit(waking, (e) => (e.fields[0]!.signed = true))],
      new: [waking],
      findings: [{ event: 'sched:sched_waking', field: 'comm', message: "field 'comm' changed from signed to unsigned (char)" }],
    },
  ],
});
