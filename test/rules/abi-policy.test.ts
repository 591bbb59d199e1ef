import rule from '../../rules/abi-policy.js';
import { edit } from './tester.js';
import { auditTester } from './audit-tester.js';
import { kthreadStopRet } from './source-events.js';

const newVfsEvent = edit(kthreadStopRet, (e) => { e.system = 'vfs'; e.name = 'vfs_new_thing'; });

auditTester(rule, {
  valid: [
    { name: 'not configured: off', events: [kthreadStopRet], added: [kthreadStopRet], isChange: true },
    { name: 'a whole-tree lint adds nothing', events: [kthreadStopRet], options: { tracepointOnly: ['sched'] } },
    { name: 'a new bare tracepoint is what the policy wants', events: [], added: [{ system: 'sched', name: 'sched_x_tp', kind: 'tracepoint', fields: [] }], isChange: true, options: { tracepointOnly: ['sched'] } },
    { name: 'another subsystem', events: [newVfsEvent], added: [newVfsEvent], isChange: true, options: { tracepointOnly: ['sched'] } },
  ],
  invalid: [
    {
      name: 'a new trace event in the scheduler, which accepts only bare tracepoints',
      events: [kthreadStopRet],
      added: [kthreadStopRet],
      isChange: true,
      options: { tracepointOnly: ['sched', 'vfs'] },
      findings: [{ severity: 'error', event: 'sched:sched_kthread_stop_ret' }],
    },
  ],
});
