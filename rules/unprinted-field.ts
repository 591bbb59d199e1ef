import type { AuditRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { printedFields } from '../src/audit/print-refs.js';

const rule: AuditRule = {
  meta: {
    id: 'unprinted-field',
    category: 'audit',
    severity: 'info',
    description: 'A field is recorded but TP_printk never shows it: it costs space in every record and is invisible in text output.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      if (!ev.print || ev.kind === 'tracepoint') continue;
      const printed = new Set(printedFields(ev));
      // A print that reads no field at all is a fixed string or a helper we cannot see through: say nothing.
      if (printed.size === 0) continue;
      for (const f of ev.fields) {
        if (printed.has(f.name)) continue;
        if (ev.written !== undefined && !ev.written.includes(f.name)) continue; // unassigned-field's business
        const loc = fieldLocation(ev, f);
        emit({
          event: eventKey(ev),
          field: f.name,
          message: `field '${f.name}' is recorded but never printed`,
          ...(loc ? { location: loc } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
