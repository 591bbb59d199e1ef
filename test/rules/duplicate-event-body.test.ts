import rule from '../../rules/duplicate-event-body.js';
import { edit } from './tester.js';
import { auditTester } from './audit-tester.js';
import { kthreadStopRet } from './source-events.js';

const twin = edit(kthreadStopRet, (e) => (e.name = 'sched_kthread_twin'));

auditTester(rule, {
  valid: [
    { name: 'one event', events: [kthreadStopRet] },
    { name: 'DEFINE_EVENTs of one class are what the rule asks for', events: [edit(kthreadStopRet, (e) => (e.class = 'c')), edit(twin, (e) => (e.class = 'c'))] },
    { name: 'different TP_fast_assign bodies', events: [kthreadStopRet, edit(twin, (e) => (e.assignDigest = 'other'))] },
    { name: 'in another system', events: [kthreadStopRet, edit(twin, (e) => (e.system = 'other'))] },
    { name: 'in a diff, a pair the change does not touch', events: [kthreadStopRet, twin], audited: [], isChange: true },
  ],
  invalid: [
    {
      name: 'two standalone TRACE_EVENTs with one body: reported once for both',
      events: [kthreadStopRet, twin],
      findings: [{ severity: 'info', event: 'sched:sched_kthread_stop_ret', events: ['sched:sched_kthread_stop_ret', 'sched:sched_kthread_twin'] }],
    },
  ],
});
