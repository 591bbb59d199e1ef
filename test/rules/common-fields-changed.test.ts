import rule from '../../rules/common-fields-changed.js';
import { edit, real, ruleTester } from './tester.js';

const wakeup = real('sched:sched_wakeup');
// The same event after a 12-byte header (3.4's common_padding): every field 4 bytes later.
const wakeupAfter12 = edit(wakeup, (e) => e.fields.forEach((f) => (f.offset! += 4)));
const common = [
  { name: 'common_type', type: 'unsigned short', size: 2, offset: 0, signed: false },
  { name: 'common_flags', type: 'unsigned char', size: 1, offset: 2, signed: false },
  { name: 'common_preempt_count', type: 'unsigned char', size: 1, offset: 3, signed: false },
  { name: 'common_pid', type: 'int', size: 4, offset: 4, signed: true },
];

// sched_wakeup with its last field a 16-byte struct of 4-byte members, before and after a 12-byte RT header.
const withStruct = edit(wakeup, (e) => Object.assign(e.fields[3]!, { name: 'sum', type: 'struct rxrpc_ack_summary', size: 16, offset: 32 }));
const withStructAfter12 = edit(withStruct, (e) => e.fields.forEach((f) => (f.offset! += 4)));
const rtCommon = [...common, { name: 'common_preempt_lazy_count', type: 'unsigned char', size: 1, offset: 8, signed: false }];

const commonLines = ['unsigned short common_type @0 (2)', 'unsigned char common_flags @2 (1)', 'unsigned char common_preempt_count @3 (1)', 'int common_pid @4 (4)'];

ruleTester(rule, {
  valid: [{ name: 'same header', old: { events: [wakeup], common }, new: { events: [wakeup], common } }],
  invalid: [
    {
      name: '3.4 kernels had common_padding (as in the real hammerhead capture)',
      old: { events: [wakeupAfter12], common: [...common, { name: 'common_padding', type: 'int', size: 4, offset: 8, signed: true }] },
      new: { events: [wakeup], common },
      findings: [
        {
          event: '*',
          message:
            'common header changed for every event: removed int common_padding @8 (4) (header 12 → 8 bytes); the fields of 1 event moved with it (payload -4: 1 event)',
          old: { header: [...commonLines, 'int common_padding @8 (4)'], bytes: 12 },
          new: { header: commonLines, bytes: 8, eventsMovedBy: { '-4': 1 } },
        },
      ],
    },
    {
      name: 'a struct field moves by what its own alignment makes of it, which the layout does not show (real 6.1 RT build: rxrpc_congest.sum, 16 bytes, 4-aligned, 32 → 36)',
      old: { events: [withStruct], common },
      new: { events: [withStructAfter12], common: rtCommon },
      findings: [
        {
          event: '*',
          message:
            'common header changed for every event: added unsigned char common_preempt_lazy_count @8 (1) (header 8 → 12 bytes); the fields of 1 event moved with it (payload +4: 1 event)',
        },
      ],
    },
    {
      name: 'an event that moved otherwise is counted apart (its own finding is field-offset-changed\'s)',
      old: { events: [wakeupAfter12, edit(wakeupAfter12, (e) => (e.name = 'other'))], common: [...common, { name: 'common_padding', type: 'int', size: 4, offset: 8, signed: true }] },
      new: { events: [wakeup, edit(wakeup, (e) => { e.name = 'other'; e.fields[3]!.offset = 40; })], common },
      findings: [
        {
          event: '*',
          message:
            'common header changed for every event: removed int common_padding @8 (4) (header 12 → 8 bytes); the fields of 1 event moved with it (payload -4: 1 event); 1 event moved otherwise, reported on their own',
        },
      ],
    },
  ],
});
