import type { AuditRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';

const rule: AuditRule = {
  meta: {
    id: 'hardcoded-field',
    category: 'audit',
    severity: 'info',
    description: 'TP_fast_assign stores a constant into a field (`__entry->success = 1;`): a field kept only for old tools, or one that carries no information.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      for (const [field, value] of Object.entries(ev.assign ?? {})) {
        const loc = fieldLocation(ev, ev.fields.find((f) => f.name === field));
        emit({
          event: eventKey(ev),
          field,
          message: `field '${field}' is always ${value}: it carries no information (kept for old tools?)`,
          new: value,
          // Existing compatibility fields are a fact of life; a change that adds one deserves a look.
          ...(ctx.isChange ? { severity: 'warning' as const } : {}),
          ...(loc ? { location: loc } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
