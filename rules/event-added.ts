import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'event-added',
    category: 'drift',
    severity: 'info',
    description: 'The new kernel has a trace event (or bare tracepoint) the old one did not.',
  },
  check(cmp, emit) {
    for (const e of cmp.added) {
      emit({
        event: eventKey(e),
        message: cmp.configBound
          ? `not in ${cmp.old.kernel.kind === 'tree' ? 'the tree' : 'the old side'} (added, or not built in the captured configuration)`
          : e.kind === 'tracepoint'
            ? 'bare tracepoint added'
            : `event added (${e.fields.length} fields)`,
        new: { kind: e.kind, fields: e.fields.length },
        ...(e.location ? { location: e.location } : {}),
      });
    }
  },
};
export default rule;
