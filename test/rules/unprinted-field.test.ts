import rule from '../../rules/unprinted-field.js';
import { edit, real } from './tester.js';
import { auditTester } from './audit-tester.js';

auditTester(rule, {
  valid: [
    { name: 'every field printed (sched_wakeup)', events: [real('sched:sched_wakeup')], kind: 'tracefs' },
    { name: 'an unassigned field is unassigned-field’s business', events: [edit(real('sched:sched_wakeup'), (e) => { e.print!.args.pop(); e.written = ['comm', 'pid', 'prio']; })] },
  ],
  invalid: [
    {
      name: 'a field recorded but not printed',
      events: [edit(real('sched:sched_wakeup'), (e) => { e.print!.fmt = 'comm=%s pid=%d prio=%d'; e.print!.args.pop(); })],
      kind: 'tracefs',
      findings: [{ severity: 'info', field: 'target_cpu', message: "field 'target_cpu' is recorded but never printed" }],
    },
  ],
});
