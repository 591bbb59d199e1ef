import type { DriftRule } from '../src/engine/rule.js';
import type { Field } from '../src/model/snapshot.js';
import { fieldDeclaration } from '../src/model/snapshot.js';

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
      emit({
        event: '*',
        message: `common header changed for every event: ${describe(before, after)}`,
        old: before,
        new: after,
      });
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
