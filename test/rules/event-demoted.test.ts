import rule from '../../rules/event-demoted.js';
import { real, ruleTester } from './tester.js';

const wakeup = real('sched:sched_wakeup');
const bare = { system: 'sched', name: 'sched_wakeup', kind: 'tracepoint' as const, fields: [] };

ruleTester(rule, {
  valid: [
    { name: 'still an event', old: { kind: 'tree', events: [wakeup] }, new: { kind: 'tree', events: [wakeup] } },
    {
      name: 'tracefs cannot see bare tracepoints: that is a removal, for event-removed',
      old: [wakeup],
      new: { kind: 'tree', events: [bare] },
    },
  ],
  invalid: [
    {
      name: 'TRACE_EVENT became DECLARE_TRACE',
      old: { kind: 'tree', events: [wakeup] },
      new: { kind: 'tree', events: [bare] },
      findings: [{ event: 'sched:sched_wakeup', old: 'event', new: 'tracepoint' }],
    },
  ],
});
