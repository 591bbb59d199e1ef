import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'event-demoted',
    category: 'drift',
    severity: 'error',
    description: 'A trace event became a bare tracepoint (DECLARE_TRACE): its tracefs interface and every field are gone.',
  },
  check(cmp, emit) {
    if (!cmp.shared.tracepoints) return;
    for (const p of cmp.pairs) {
      if (p.old.kind !== 'event' || p.new.kind !== 'tracepoint') continue;
      emit({
        event: eventKey(p.new),
        message: `trace event demoted to a bare tracepoint: events/${p.new.system}/${p.new.name}/ and its ${p.old.fields.length} fields disappear from tracefs`,
        old: p.old.kind,
        new: p.new.kind,
        ...(p.new.location ? { location: p.new.location } : {}),
      });
    }
  },
};
export default rule;
