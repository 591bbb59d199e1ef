import rule from '../../rules/common-fields-changed.js';
import { real, ruleTester } from './tester.js';

const wakeup = real('sched:sched_wakeup');
const common = [
  { name: 'common_type', type: 'unsigned short', size: 2, offset: 0, signed: false },
  { name: 'common_flags', type: 'unsigned char', size: 1, offset: 2, signed: false },
  { name: 'common_preempt_count', type: 'unsigned char', size: 1, offset: 3, signed: false },
  { name: 'common_pid', type: 'int', size: 4, offset: 4, signed: true },
];

ruleTester(rule, {
  valid: [{ name: 'same header', old: { events: [wakeup], common }, new: { events: [wakeup], common } }],
  invalid: [
    {
      name: '3.4 kernels had common_padding (as in the real hammerhead capture)',
      old: { events: [wakeup], common: [...common, { name: 'common_padding', type: 'int', size: 4, offset: 8, signed: true }] },
      new: { events: [wakeup], common },
      findings: [{ event: '*', message: 'common header changed for every event: removed int common_padding @8 (4)' }],
    },
  ],
});
