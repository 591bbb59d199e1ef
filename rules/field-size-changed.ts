import { fieldChangeRule } from '../src/diff/field-change-rule.js';
import { fieldDeclaration } from '../src/model/snapshot.js';

export default fieldChangeRule(
  {
    id: 'field-size-changed',
    category: 'drift',
    severity: 'error',
    description: 'A field changed size (wider or narrower type, longer or shorter array): binary readers misread it.',
  },
  'size',
  (p) =>
    `field '${p.new.name}' size changed: ${fieldDeclaration(p.old)} (${p.old.size ?? '?'} bytes) → ${fieldDeclaration(p.new)} (${p.new.size ?? '?'} bytes)`,
);
