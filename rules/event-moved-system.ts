import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'event-moved-system',
    category: 'drift',
    severity: 'error',
    description: 'An event of the same name now lives under another system (events/<system>/ changed).',
  },
  check(cmp, emit) {
    for (const p of cmp.pairs) {
      if (p.relation !== 'moved') continue;
      emit({
        event: eventKey(p.old),
        message: `event moved from system '${p.old.system}' to '${p.new.system}'`,
        old: p.old.system,
        new: p.new.system,
        ...(p.new.location ? { location: p.new.location } : {}),
      });
    }
  },
};
export default rule;
