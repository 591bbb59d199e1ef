import rule from '../../rules/unused-tracepoint.js';
import { edit } from './tester.js';
import { auditTester } from './audit-tester.js';
import { kthreadStopRet } from './source-events.js';

auditTester(rule, {
  valid: [
    { name: 'called', events: [kthreadStopRet] },
    { name: 'no caller seen, but a macro may generate one: never claim unused', events: [edit(kthreadStopRet, (e) => (e.calls = { count: 0, generated: true }))] },
    { name: 'not scanned (tracefs, snapshot without call sites)', events: [edit(kthreadStopRet, (e) => delete e.calls)] },
  ],
  invalid: [
    {
      name: 'nothing fires or registers it',
      events: [edit(kthreadStopRet, (e) => (e.calls = { count: 0 }))],
      findings: [{ severity: 'warning', event: 'sched:sched_kthread_stop_ret', message: 'no caller of trace_sched_kthread_stop_ret() or register_trace_sched_kthread_stop_ret() in the tree' }],
    },
  ],
});
