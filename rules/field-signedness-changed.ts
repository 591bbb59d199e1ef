import { fieldChangeRule } from '../src/diff/field-change-rule.js';

const sign = (s: boolean | undefined): string => (s ? 'signed' : 'unsigned');

export default fieldChangeRule(
  {
    id: 'field-signedness-changed',
    category: 'drift',
    severity: 'warning',
    description: 'A field of the same size changed between signed and unsigned: values past the sign bit read differently.',
  },
  'signedness',
  (p) =>
    `field '${p.new.name}' changed from ${sign(p.old.signed)} to ${sign(p.new.signed)}` +
    (p.old.type === p.new.type ? ` (${p.new.type})` : `: ${p.old.type} → ${p.new.type}`),
);
