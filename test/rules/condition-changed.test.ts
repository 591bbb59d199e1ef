import rule from '../../rules/condition-changed.js';
import { edit, real, ruleTester } from './tester.js';

const ev = real('sched:sched_stat_runtime');
const tree = (e: typeof ev) => ({ kind: 'tree' as const, events: [e] });

ruleTester(rule, {
  valid: [
    { name: 'same condition', old: tree(edit(ev, (e) => (e.condition = 'CONFIG_SCHEDSTATS'))), new: tree(edit(ev, (e) => (e.condition = 'CONFIG_SCHEDSTATS'))) },
    { name: 'tracefs has no conditions', old: [ev], new: tree(edit(ev, (e) => (e.condition = 'CONFIG_SCHEDSTATS'))) },
  ],
  invalid: [
    {
      name: 'an event moves under an #ifdef',
      old: tree(ev),
      new: tree(edit(ev, (e) => (e.condition = 'defined(CONFIG_SCHEDSTATS)'))),
      findings: [{ message: "now defined under 'defined(CONFIG_SCHEDSTATS)' (was unconditional)", old: null, new: 'defined(CONFIG_SCHEDSTATS)' }],
    },
  ],
});
