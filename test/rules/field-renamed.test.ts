import rule from '../../rules/field-renamed.js';
import { edit, real, ruleTester } from './tester.js';

// 6.9 renamed the filelock fields fl_type → type etc.; the same shape on the same place.
const setlk = real('filelock:fcntl_setlk');
const old = edit(setlk, (e) => e.fields.forEach((f) => (f.name = ['type', 'flags', 'owner', 'pid'].includes(f.name) ? `fl_${f.name}` : f.name)));

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [setlk], new: [setlk] },
    {
      name: 'a new name with another type is a removal plus an addition',
      old: [setlk],
      new: [edit(setlk, (e) => Object.assign(e.fields[0]!, { name: 'inode', type: 'u64' }))],
    },
  ],
  invalid: [
    {
      name: 'fl_* fields renamed in place (the real 6.9 filelock change)',
      old: [old],
      new: [setlk],
      findings: [{ field: 'fl_flags', new: 'flags' }, { field: 'fl_owner', new: 'owner' }, { field: 'fl_pid', new: 'pid' }, { field: 'fl_type', new: 'type' }],
    },
  ],
});
