import { fieldChangeRule } from '../src/diff/field-change-rule.js';
import { fieldDeclaration } from '../src/model/snapshot.js';

export default fieldChangeRule(
  {
    id: 'field-became-dynamic',
    category: 'drift',
    severity: 'error',
    description: 'A field switched between inline data and a __data_loc/__rel_loc dynamic array (either direction).',
  },
  'dynamic',
  (p) =>
    p.new.dynamic
      ? `field '${p.new.name}' became dynamic: ${fieldDeclaration(p.old)} → ${fieldDeclaration(p.new)} (the record now holds an offset/length word)`
      : `field '${p.new.name}' is no longer dynamic: ${fieldDeclaration(p.old)} → ${fieldDeclaration(p.new)}`,
);
