import rule from '../../rules/large-array.js';
import { real } from './tester.js';
import { auditTester } from './audit-tester.js';

const numa = real('sched:sched_skip_cpuset_numa'); // unsigned long mem_allowed[16]: 128 bytes

auditTester(rule, {
  valid: [
    { name: 'exactly the default limit (128 bytes) is allowed', events: [numa], kind: 'tracefs' },
    { name: 'a dynamic array costs only what is used', events: [real('sched:sched_process_free')], kind: 'tracefs', options: { maxBytes: 1 } },
  ],
  invalid: [
    {
      name: 'over a configured limit',
      events: [numa],
      kind: 'tracefs',
      options: { maxBytes: 64 },
      findings: [{ severity: 'warning', field: 'mem_allowed', message: "fixed array 'mem_allowed' takes 128 bytes in every record (limit 64)" }],
    },
  ],
});
