import type { DriftRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';

const rule: DriftRule = {
  meta: {
    id: 'field-renamed',
    category: 'drift',
    severity: 'error',
    description: 'A field at the same position, with the same type and size, has a new name.',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      for (const r of p.fields.renamed) {
        const loc = fieldLocation(p.new, r.new);
        emit({
          event: eventKey(p.new),
          field: r.old.name,
          message: `field '${r.old.name}' renamed to '${r.new.name}' (consumers look fields up by name)`,
          old: r.old.name,
          new: r.new.name,
          ...(loc ? { location: loc } : {}),
          ...(p.new.class ? { class: p.new.class } : {}),
        });
      }
    }
  },
};
export default rule;
