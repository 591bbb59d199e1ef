/** The four field-change rules differ only in which change they own and how they word it. */
import type { DriftRule, RuleMeta } from '../engine/rule.js';
import { eventKey, fieldLocation } from '../model/snapshot.js';
import { pairsWithFields, type FieldPair } from './compare.js';
import { classifyFieldChange, describeField, type FieldChange } from './fields.js';

export function fieldChangeRule(
  meta: RuleMeta & { category: 'drift' },
  change: FieldChange,
  message: (p: FieldPair) => string,
): DriftRule {
  return {
    meta,
    check(cmp, emit) {
      for (const p of pairsWithFields(cmp)) {
        for (const fp of p.fields.matched) {
          if (classifyFieldChange(fp, { addressSpaces: cmp.shared.addressSpaces }) !== change) continue;
          const loc = fieldLocation(p.new, fp.new);
          emit({
            event: eventKey(p.new),
            field: fp.new.name,
            message: message(fp),
            old: describeField(fp.old),
            new: describeField(fp.new),
            ...(loc ? { location: loc } : {}),
            ...(p.new.class ? { class: p.new.class } : {}),
          });
        }
      }
    },
  };
}
