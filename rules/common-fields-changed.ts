import type { DriftRule } from '../src/engine/rule.js';
import type { Field } from '../src/model/snapshot.js';
import { fieldDeclaration } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { headerChange, headerMove } from '../src/diff/header.js';

function layout(fields: Field[] | undefined): string[] {
  return (fields ?? []).map(
    (f) => `${fieldDeclaration(f)}${f.offset !== undefined ? ` @${f.offset}` : ''}${f.size !== undefined ? ` (${f.size})` : ''}`,
  );
}

function describe(before: string[], after: string[]): string {
  const removed = before.filter((l) => !after.includes(l));
  const added = after.filter((l) => !before.includes(l));
  const parts: string[] = [];
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  if (added.length) parts.push(`added ${added.join(', ')}`);
  return parts.length ? parts.join('; ') : 'reordered';
}

const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const rule: DriftRule = {
  meta: {
    id: 'common-fields-changed',
    category: 'drift',
    severity: 'warning',
    description: 'The common_* header every record starts with (or header_page) changed. Reported once, not per event.',
  },
  check(cmp, emit) {
    const before = layout(cmp.old.header.common);
    const after = layout(cmp.new.header.common);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      const change = headerChange(cmp);
      if (!change) {
        emit({ event: '*', message: `common header changed for every event: ${describe(before, after)}`, old: before, new: after });
      } else {
        // How the events' payloads moved with it: events whose fields all sit where the old fields relaid after
        // the new header would, counted by shift. The others moved for reasons of their own and are reported
        // by field-offset-changed.
        const table = new Map<string, number>();
        let other = 0;
        for (const p of pairsWithFields(cmp)) {
          const m = headerMove(p, change);
          if (!m || m.payloadShift === undefined || !m.moved) continue;
          if (!m.withHeader) {
            other++;
            continue;
          }
          const k = signed(m.payloadShift);
          table.set(k, (table.get(k) ?? 0) + 1);
        }
        const moved = [...table].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        const total = moved.reduce((n, [, c]) => n + c, 0);
        const summary = moved.map(([k, c]) => `payload ${k}: ${plural(c, 'event')}`).join(', ');
        emit({
          event: '*',
          message:
            `common header changed for every event: ${describe(before, after)} (header ${change.oldSize} → ${change.newSize} bytes)` +
            (total ? `; the fields of ${plural(total, 'event')} moved with it (${summary})` : '') +
            (other ? `; ${plural(other, 'event')} moved otherwise, reported on their own` : ''),
          old: { header: before, bytes: change.oldSize },
          new: { header: after, bytes: change.newSize, ...(total ? { eventsMovedBy: Object.fromEntries(moved) } : {}) },
        });
      }
    }
    if (cmp.old.header.page && cmp.new.header.page) {
      const pb = layout(cmp.old.header.page);
      const pa = layout(cmp.new.header.page);
      if (JSON.stringify(pb) !== JSON.stringify(pa)) {
        emit({ event: '*', field: 'header_page', message: `ring-buffer page header changed: ${describe(pb, pa)}`, old: pb, new: pa });
      }
    }
  },
};
export default rule;
