import type { AuditRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';

const rule: AuditRule = {
  meta: {
    id: 'unassigned-field',
    category: 'audit',
    severity: 'warning',
    description: 'A field declared in TP_STRUCT__entry is never written by TP_fast_assign: readers get ring-buffer garbage.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      // Only where the extractor saw the whole TP_fast_assign (helpers it could not resolve leave `written` unset).
      if (ev.kind === 'tracepoint' || ev.written === undefined) continue;
      const written = new Set(ev.written);
      for (const f of ev.fields) {
        if (written.has(f.name)) continue;
        const loc = fieldLocation(ev, f);
        emit({
          event: eventKey(ev),
          field: f.name,
          message: `field '${f.name}' is declared but TP_fast_assign never writes it`,
          ...(loc ? { location: loc } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
