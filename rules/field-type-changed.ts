import { fieldChangeRule } from '../src/diff/field-change-rule.js';

export default fieldChangeRule(
  {
    id: 'field-type-changed',
    category: 'drift',
    severity: 'warning',
    description: 'A field keeps its size and signedness but its type name changed (tools that map type names break).',
  },
  'type',
  (p) => `field '${p.new.name}' type changed: ${p.old.type} → ${p.new.type}`,
);
