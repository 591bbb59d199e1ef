import rule from '../../rules/field-became-dynamic.js';
import { edit, real, ruleTester } from './tester.js';

const free = real('sched:sched_process_free'); // `__data_loc char[] comm` in 6.18
const fixed = edit(free, (e) => Object.assign(e.fields[0]!, { array: 16, size: 16, dynamic: undefined }));
delete fixed.fields[0]!.dynamic;

// drivers/gpu/drm/amd/amdgpu/amdgpu_trace.h in Debian's 6.1: two fields named `ring`.
const grabId = {
  system: 'amdgpu',
  name: 'amdgpu_vm_grab_id',
  kind: 'event' as const,
  fields: [
    { name: 'pasid', type: 'u32', size: 4, offset: 8, signed: false },
    { name: 'ring', type: 'char', array: '[]', dynamic: 'data_loc' as const, size: 4, offset: 12, signed: false },
    { name: 'ring', type: 'u32', size: 4, offset: 16, signed: false },
  ],
};

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [free], new: [free] },
    {
      name: 'one name declared twice (amdgpu_vm_grab_id in 6.1: __string(ring) and __field(u32, ring)) pairs in order',
      old: [grabId],
      new: [grabId],
    },
    { name: 'still a fixed array', old: [fixed], new: [fixed] },
  ],
  invalid: [
    {
      name: 'char comm[16] → __data_loc char[] comm (sched events, between 6.12 and 6.18)',
      old: [fixed],
      new: [free],
      findings: [{ field: 'comm', message: "field 'comm' became dynamic: char comm[16] → __data_loc char[] comm (the record now holds an offset/length word)" }],
    },
    { name: 'and back', old: [free], new: [fixed], findings: [{ field: 'comm', message: "field 'comm' is no longer dynamic: __data_loc char[] comm → char comm[16]" }] },
  ],
});
