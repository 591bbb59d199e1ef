import type { AuditRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { printedFields } from '../src/audit/print-refs.js';

const rule: AuditRule = {
  meta: {
    id: 'print-unknown-field',
    category: 'audit',
    severity: 'error',
    description: 'TP_printk reads a field (`__entry->x`, `__get_str(x)`, ...) that TP_STRUCT__entry does not declare.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      if (!ev.print || ev.kind === 'tracepoint') continue;
      const declared = new Set(ev.fields.map((f) => f.name));
      for (const name of printedFields(ev)) {
        if (declared.has(name)) continue;
        emit({
          event: eventKey(ev),
          field: name,
          message: `TP_printk reads '${name}', which is not a field of this event`,
          ...(ev.location ? { location: ev.location } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
