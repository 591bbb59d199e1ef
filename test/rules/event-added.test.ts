import rule from '../../rules/event-added.js';
import { real, ruleTester } from './tester.js';

const exit = real('irq:irq_handler_exit');
const entry = real('irq:irq_handler_entry');

ruleTester(rule, {
  valid: [
    { name: 'nothing new', old: [entry, exit], new: [entry, exit] },
    {
      name: 'a tree’s bare tracepoints are not "added" against tracefs, which cannot show them',
      old: [entry],
      new: { kind: 'tree', events: [entry, { system: 'sched', name: 'pelt_cfs_tp', kind: 'tracepoint', fields: [] }] },
    },
    {
      name: 'a tree that predicted no syscall events (a partial tree: no syscall table) cannot tell them: not "added" against it',
      old: { kind: 'tree', events: [entry] },
      new: [entry, real('syscalls:sys_enter_openat')],
    },
  ],
  invalid: [
    { name: 'a new event', old: [entry], new: [entry, exit], findings: [{ event: 'irq:irq_handler_exit', message: 'event added (2 fields)' }] },
  ],
});
