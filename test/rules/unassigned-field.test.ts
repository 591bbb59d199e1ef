import rule from '../../rules/unassigned-field.js';
import { edit } from './tester.js';
import { auditTester } from './audit-tester.js';
import { kthreadStopRet, wakeupWithSuccess } from './source-events.js';

auditTester(rule, {
  valid: [
    { name: 'every field written', events: [kthreadStopRet, wakeupWithSuccess] },
    { name: 'unknown what TP_fast_assign writes (helper macro not resolved): say nothing', events: [edit(wakeupWithSuccess, (e) => delete e.written)] },
  ],
  invalid: [
    {
      name: 'a declared field nobody writes',
      events: [edit(wakeupWithSuccess, (e) => (e.written = ['comm', 'pid', 'prio', 'success']))],
      findings: [{ severity: 'warning', field: 'target_cpu', location: { file: 'include/trace/events/sched.h', line: 66 } }],
    },
  ],
});
