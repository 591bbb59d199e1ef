import type { DriftRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { describeField } from '../src/diff/fields.js';

const rule: DriftRule = {
  meta: {
    id: 'field-removed',
    category: 'drift',
    severity: 'error',
    description: 'A field of the event is gone: every consumer that reads it breaks (the powertop case).',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      for (const f of p.fields.removed) {
        const loc = fieldLocation(p.new);
        emit({
          event: eventKey(p.new),
          field: f.name,
          message: `field '${f.name}' removed`,
          old: describeField(f),
          ...(loc ? { location: loc } : {}),
          ...(p.new.class ? { class: p.new.class } : {}),
        });
      }
    }
  },
};
export default rule;
