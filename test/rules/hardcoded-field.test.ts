import rule from '../../rules/hardcoded-field.js';
import { edit } from './tester.js';
import { auditTester } from './audit-tester.js';
import { kthreadStopRet, wakeupWithSuccess } from './source-events.js';

auditTester(rule, {
  valid: [
    { name: 'every field carries data', events: [kthreadStopRet] },
    { name: 'tracefs cannot see TP_fast_assign', events: [edit(wakeupWithSuccess, (e) => delete e.assign)], kind: 'tracefs' },
  ],
  invalid: [
    {
      name: 'success = 1 in a whole-tree lint: info, pointing at the field',
      events: [wakeupWithSuccess],
      findings: [{ severity: 'info', field: 'success', new: '1', message: "field 'success' is always 1: it carries no information (kept for old tools?)", location: { file: 'include/trace/events/sched.h', line: 65 } }],
    },
    { name: 'a change that adds one: warning', events: [wakeupWithSuccess], isChange: true, findings: [{ severity: 'warning', field: 'success' }] },
  ],
});
