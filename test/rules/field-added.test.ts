import rule from '../../rules/field-added.js';
import { edit, real, ruleTester } from './tester.js';

const kfree = real('kmem:kfree');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [kfree], new: [kfree] },
    { name: 'a removed field is not an addition', old: [kfree], new: [edit(kfree, (e) => e.fields.pop())] },
  ],
  invalid: [
    {
      name: 'a field appended',
      old: [kfree],
      new: [edit(kfree, (e) => e.fields.push({ name: 'bytes', type: 'size_t', size: 8, offset: 24, signed: false }))],
      findings: [{ event: 'kmem:kfree', field: 'bytes', new: { decl: 'size_t bytes', size: 8, offset: 24, signed: false } }],
    },
  ],
});
