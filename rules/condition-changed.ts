import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'condition-changed',
    category: 'drift',
    severity: 'info',
    description: 'The preprocessor condition a definition lives under changed: the event may exist in fewer (or more) configurations.',
  },
  check(cmp, emit) {
    if (!cmp.shared.conditions) return;
    for (const p of cmp.pairs) {
      const a = p.old.condition ?? '';
      const b = p.new.condition ?? '';
      if (a === b) continue;
      emit({
        event: eventKey(p.new),
        message: `now defined ${b ? `under '${b}'` : 'unconditionally'} (was ${a ? `under '${a}'` : 'unconditional'})`,
        old: a || null,
        new: b || null,
        ...(p.new.location ? { location: p.new.location } : {}),
      });
    }
  },
};
export default rule;
