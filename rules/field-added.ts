import type { DriftRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { describeField } from '../src/diff/fields.js';

const rule: DriftRule = {
  meta: {
    id: 'field-added',
    category: 'drift',
    severity: 'info',
    description: 'The event has a new field: additive, but the record grows and later fields may move.',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      for (const f of p.fields.added) {
        const loc = fieldLocation(p.new, f);
        emit({
          event: eventKey(p.new),
          field: f.name,
          message: `field '${f.name}' added`,
          new: describeField(f),
          ...(loc ? { location: loc } : {}),
          ...(p.new.class ? { class: p.new.class } : {}),
        });
      }
    }
  },
};
export default rule;
