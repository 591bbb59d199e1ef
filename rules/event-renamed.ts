import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'event-renamed',
    category: 'drift',
    severity: 'error',
    description: 'An event disappeared and one with the same system and field list appeared: most likely a rename.',
  },
  check(cmp, emit) {
    for (const p of cmp.pairs) {
      if (p.relation !== 'renamed') continue;
      emit({
        event: eventKey(p.old),
        message: `event renamed to ${eventKey(p.new)} (same fields; tools that enable it by name break)`,
        old: eventKey(p.old),
        new: eventKey(p.new),
        ...(p.new.location ? { location: p.new.location } : {}),
      });
    }
  },
};
export default rule;
