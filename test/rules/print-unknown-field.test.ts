import rule from '../../rules/print-unknown-field.js';
import { edit, real } from './tester.js';
import { auditTester } from './audit-tester.js';

auditTester(rule, {
  valid: [
    { name: 'every printed field is declared (sched_switch)', events: [real('sched:sched_switch')], kind: 'tracefs' },
    { name: 'a bare tracepoint has no print', events: [{ system: 'sched', name: 'pelt_cfs_tp', kind: 'tracepoint', fields: [] }] },
  ],
  invalid: [
    {
      name: '__get_str() of an undeclared field',
      events: [edit(real('sched:sched_process_free'), (e) => (e.print!.args[0] = '__get_str(name)'))],
      findings: [{ severity: 'error', field: 'name', message: "TP_printk reads 'name', which is not a field of this event" }],
    },
    {
      name: 'REC->x of a field removed from the entry',
      events: [edit(real('sched:sched_wakeup'), (e) => e.fields.splice(2, 1))],
      findings: [{ field: 'prio' }],
    },
  ],
});
