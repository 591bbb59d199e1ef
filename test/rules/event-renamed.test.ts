import rule from '../../rules/event-renamed.js';
import { edit, real, ruleTester } from './tester.js';

// erofs_readpage became erofs_read_folio in 5.19 with the same fields (seen in the real Android 5.10 → 6.18 diff).
const folio = real('erofs:erofs_read_folio');
const readpage = edit(folio, (e) => (e.name = 'erofs_readpage'));

ruleTester(rule, {
  valid: [
    { name: 'same name', old: [folio], new: [folio] },
    { name: 'different fields: a removal and an addition, not a rename', old: [readpage], new: [edit(folio, (e) => e.fields.pop())] },
    {
      name: 'two candidates with the same fields: ambiguous, no guess',
      old: [readpage],
      new: [folio, edit(folio, (e) => (e.name = 'erofs_read_folio2'))],
    },
  ],
  invalid: [
    {
      name: 'same system, same field list, new name',
      old: [readpage],
      new: [folio],
      findings: [{ event: 'erofs:erofs_readpage', old: 'erofs:erofs_readpage', new: 'erofs:erofs_read_folio' }],
    },
  ],
});
