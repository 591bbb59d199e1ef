import rule from '../../rules/event-removed.js';
import { edit, real, ruleTester } from './tester.js';

const exit = real('irq:irq_handler_exit');
const entry = real('irq:irq_handler_entry');

ruleTester(rule, {
  valid: [
    { name: 'the event is still there', old: [entry, exit], new: [entry, exit] },
    { name: 'renamed (same fields) is not a removal', old: [exit], new: [edit(exit, (e) => (e.name = 'irq_handler_done'))] },
    { name: 'moved to another system is not a removal', old: [exit], new: [edit(exit, (e) => (e.system = 'hardirq'))] },
  ],
  invalid: [
    { name: 'an event disappears', old: [entry, exit], new: [entry], findings: [{ event: 'irq:irq_handler_exit', message: 'event removed' }] },
    {
      name: 'a tree against one configuration’s capture cannot tell removed from not built: info',
      old: { kind: 'tree', events: [entry, exit] },
      new: [entry],
      findings: [{ event: 'irq:irq_handler_exit', severity: 'info', message: 'not in the new side (removed, or not built in the captured configuration)' }],
    },
    {
      name: 'a bare tracepoint disappears (BPF attach breaks): warning',
      old: { kind: 'tree', events: [{ system: 'sched', name: 'pelt_cfs_tp', kind: 'tracepoint', fields: [] }, entry] },
      new: { kind: 'tree', events: [entry] },
      findings: [{ event: 'sched:pelt_cfs_tp', severity: 'warning' }],
    },
  ],
});
