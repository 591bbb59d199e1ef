import type { AuditRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';

const DEFAULT_MAX_BYTES = 128;

const rule: AuditRule = {
  meta: {
    id: 'large-array',
    category: 'audit',
    severity: 'warning',
    description: 'A fixed-size array larger than a limit (default 128 bytes, option maxBytes) sits in every record: a dynamic array would cost only what is used.',
    options: {
      maxBytes: { type: 'integer', minimum: 1, default: DEFAULT_MAX_BYTES, description: 'report fixed arrays larger than this many bytes' },
    },
  },
  check(ctx, emit, options) {
    const max = typeof options.maxBytes === 'number' ? options.maxBytes : DEFAULT_MAX_BYTES;
    for (const ev of ctx.events) {
      for (const f of ev.fields) {
        if (f.dynamic || typeof f.array !== 'number' || f.size === undefined || f.size <= max) continue;
        const loc = fieldLocation(ev, f);
        emit({
          event: eventKey(ev),
          field: f.name,
          message: `fixed array '${f.name}' takes ${f.size} bytes in every record (limit ${max})`,
          new: f.size,
          ...(loc ? { location: loc } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
