import type { AuditRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { conversionArgs, isPointerType } from '../src/audit/print-refs.js';

/** `(unsigned long)(REC->p)` → `REC->p`: casts and parentheses removed. */
function stripCasts(arg: string): string {
  return arg.replace(/\(\s*(?:const\s+|volatile\s+|unsigned\s+|signed\s+|struct\s+|long\s+)*[A-Za-z_]\w*\s*\**\s*\)/g, '').replace(/[()\s]/g, '');
}
const BARE_FIELD = /^(?:REC|__entry)->([A-Za-z_]\w*)$/;

/** Conversions that print an address as a plain number, bypassing %p's hashing. */
const UNHASHED = /^%(?:px|l?l?[xXud]|z[xXud])$/;

const rule: AuditRule = {
  meta: {
    id: 'pointer-field',
    category: 'audit',
    severity: 'info',
    description: 'A field stores a raw kernel address (info), or TP_printk prints one unhashed with %px or as an integer (warning): an address leak past %p hashing.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      if (ev.kind === 'tracepoint') continue;
      const unhashed = new Map<string, string>();
      for (const { spec, arg } of conversionArgs(ev)) {
        if (arg === undefined || !UNHASHED.test(spec)) continue;
        // Only the field's own value (through casts and parentheses): `REC->p->x` prints x, not the address.
        const name = BARE_FIELD.exec(stripCasts(arg))?.[1];
        if (name === undefined || unhashed.has(name)) continue;
        const f = ev.fields.find((x) => x.name === name);
        // %px of anything, or an integer conversion of a pointer-typed field (usually through a cast).
        if (spec === '%px' || (f && isPointerType(f.type) && !f.dynamic)) unhashed.set(name, spec);
      }
      for (const f of ev.fields) {
        const spec = unhashed.get(f.name);
        if (!spec && !(isPointerType(f.type) && !f.dynamic && f.array === undefined)) continue;
        const loc = fieldLocation(ev, f);
        emit({
          event: eventKey(ev),
          field: f.name,
          message: spec
            ? `TP_printk prints '${f.name}' with ${spec}: the address is not hashed`
            : `field '${f.name}' stores a raw kernel address (${f.type}); readers of the raw buffer see it unhashed`,
          ...(spec ? { severity: 'warning' as const } : {}),
          ...(loc ? { location: loc } : {}),
          ...(ev.class ? { class: ev.class } : {}),
        });
      }
    }
  },
};
export default rule;
