import type { DriftRule, Report } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { type FieldPair, pairsWithFields } from '../src/diff/compare.js';
import { classifyFieldChange, describeField } from '../src/diff/fields.js';

/** Same size and same signedness on both sides, both known: the type was only spelled anew. */
const keepsLayout = ({ old, new: neu }: FieldPair): boolean =>
  old.size !== undefined && old.size === neu.size && old.signed !== undefined && old.signed === neu.signed;

const rule: DriftRule = {
  meta: {
    id: 'field-type-changed',
    category: 'drift',
    severity: 'warning',
    description:
      'A field keeps its size and signedness but its type name changed (tools that map type names break). One respelling across the tree (`ino_t → u64` in dozens of events) is reported once, with its events.',
  },
  check(cmp, emit) {
    // One upstream conversion (`ino_t` → `u64`, `unsigned long` → `u64`) respells a type in many events at once:
    // a transition that keeps size and signedness and occurs in more than one event is one finding listing them.
    const byTransition = new Map<string, { old: string; new: string; reports: Report[]; events: Set<string> }>();
    const single: Report[] = [];
    for (const p of pairsWithFields(cmp)) {
      for (const fp of p.fields.matched) {
        if (classifyFieldChange(fp, { addressSpaces: cmp.shared.addressSpaces }) !== 'type') continue;
        const loc = fieldLocation(p.new, fp.new);
        const report: Report = {
          event: eventKey(p.new),
          field: fp.new.name,
          message: `field '${fp.new.name}' type changed: ${fp.old.type} → ${fp.new.type}`,
          old: describeField(fp.old),
          new: describeField(fp.new),
          ...(loc ? { location: loc } : {}),
          ...(p.new.class ? { class: p.new.class } : {}),
        };
        if (!keepsLayout(fp)) {
          single.push(report);
          continue;
        }
        const key = JSON.stringify([fp.old.type, fp.new.type]);
        const t = byTransition.get(key) ?? { old: fp.old.type, new: fp.new.type, reports: [], events: new Set<string>() };
        t.reports.push(report);
        t.events.add(report.event);
        byTransition.set(key, t);
      }
    }
    for (const t of byTransition.values()) {
      if (t.events.size < 2) {
        single.push(...t.reports);
        continue;
      }
      const events = [...t.events].sort();
      const n = t.reports.length;
      emit({
        event: events[0]!,
        field: t.old,
        message: `type ${t.old} → ${t.new} (same size and signedness) in ${n} field${n === 1 ? '' : 's'} of ${events.length} events: one respelling across the tree`,
        old: t.old,
        new: t.new,
        events,
      });
    }
    single.forEach(emit);
  },
};
export default rule;
