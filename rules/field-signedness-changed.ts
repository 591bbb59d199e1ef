import type { DriftRule, Report } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { classifyFieldChange, describeField } from '../src/diff/fields.js';

const sign = (s: boolean | undefined): string => (s ? 'signed' : 'unsigned');

const rule: DriftRule = {
  meta: {
    id: 'field-signedness-changed',
    category: 'drift',
    severity: 'warning',
    description:
      'A field of the same size changed between signed and unsigned: values past the sign bit read differently. A flip of plain `char` everywhere (-funsigned-char) is reported once.',
  },
  check(cmp, emit) {
    // Plain `char` changes sign for the whole kernel at once (6.2 builds with -funsigned-char): that is one
    // change, reported once with every event it touches, not once per char field.
    const charFlips = new Map<string, { events: Set<string>; fields: number }>();
    const reports: Report[] = [];
    for (const p of pairsWithFields(cmp)) {
      for (const fp of p.fields.matched) {
        if (classifyFieldChange(fp, { addressSpaces: cmp.shared.addressSpaces }) !== 'signedness') continue;
        if (fp.old.type === 'char' && fp.new.type === 'char') {
          const dir = `${sign(fp.old.signed)} → ${sign(fp.new.signed)}`;
          const flip = charFlips.get(dir) ?? { events: new Set<string>(), fields: 0 };
          flip.events.add(eventKey(p.new));
          flip.fields++;
          charFlips.set(dir, flip);
          continue;
        }
        const loc = fieldLocation(p.new, fp.new);
        reports.push({
          event: eventKey(p.new),
          field: fp.new.name,
          message:
            `field '${fp.new.name}' changed from ${sign(fp.old.signed)} to ${sign(fp.new.signed)}` +
            (fp.old.type === fp.new.type ? ` (${fp.new.type})` : `: ${fp.old.type} → ${fp.new.type}`),
          old: describeField(fp.old),
          new: describeField(fp.new),
          ...(loc ? { location: loc } : {}),
          ...(p.new.class ? { class: p.new.class } : {}),
        });
      }
    }
    for (const [dir, flip] of charFlips) {
      const events = [...flip.events].sort();
      emit({
        event: events[0]!,
        field: 'char',
        message: `plain char changed ${dir} in ${flip.fields} field${flip.fields === 1 ? '' : 's'} of ${events.length} event${events.length === 1 ? '' : 's'} (the kernel's char signedness changed: -funsigned-char since 6.2)`,
        old: dir.split(' → ')[0],
        new: dir.split(' → ')[1],
        events,
      });
    }
    reports.forEach(emit);
  },
};
export default rule;
