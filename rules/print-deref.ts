import type { AuditRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { conversionArgs, isStringField } from '../src/audit/print-refs.js';

/** `REC->p->x`, `((struct s *)REC->p)->x`: a field followed (through closing parentheses) by `->`. */
const DEREF = /\b(?:REC|__entry)\s*->\s*([A-Za-z_]\w*)\s*(?:\)\s*)*->/;
const PLAIN_FIELD = /^\(?\s*(?:REC|__entry)\s*->\s*([A-Za-z_]\w*)\s*\)?$/;

const rule: AuditRule = {
  meta: {
    id: 'print-deref',
    category: 'audit',
    severity: 'warning',
    description: 'TP_printk dereferences a pointer field (`__entry->p->x`) or prints a non-string field with %s: the memory may be gone when the buffer is read.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      if (!ev.print || ev.kind === 'tracepoint') continue;
      const seen = new Set<string>();
      const report = (field: string, message: string): void => {
        if (seen.has(field)) return;
        seen.add(field);
        emit({ event: eventKey(ev), field, message, ...(ev.location ? { location: ev.location } : {}), ...(ev.class ? { class: ev.class } : {}) });
      };
      for (const arg of ev.print.args) {
        const m = DEREF.exec(arg);
        if (m) report(m[1]!, `TP_printk dereferences '${m[1]}' (${arg.trim()}) when the trace is read, not when it was recorded`);
      }
      for (const { spec, arg } of conversionArgs(ev)) {
        if (spec !== '%s' || arg === undefined) continue;
        const m = PLAIN_FIELD.exec(arg.trim());
        if (!m) continue; // __get_str(), __print_*(), ternaries and literals are strings
        const f = ev.fields.find((x) => x.name === m[1]);
        if (f && !isStringField(f)) {
          report(f.name, `TP_printk prints '${f.name}' (${f.type}${typeof f.array === 'number' ? `[${f.array}]` : ''}) with %s: it is not a string stored in the record`);
        }
      }
    }
  },
};
export default rule;
