import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { samePrint, viewPrint, type SymbolTable } from '../src/diff/print.js';

/**
 * `table# name` → value (values only when both sides write them the same way). Tables are keyed by
 * position, not by the expression they decode, which may be rewritten without changing the table.
 */
function symbols(tables: SymbolTable[], withValues: boolean): Map<string, string> {
  const m = new Map<string, string>();
  tables.forEach((t, i) => {
    for (const e of t.entries) m.set(`${i} ${e.name}`, withValues ? e.value : '');
  });
  return m;
}

const rule: DriftRule = {
  meta: {
    id: 'print-symbols-changed',
    category: 'drift',
    severity: 'warning',
    description: 'A __print_symbolic/__print_flags table changed: names added, removed or given other values.',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      if (samePrint(p.old.print, p.new.print)) continue;
      const a = viewPrint(p.old.print);
      const b = viewPrint(p.new.print);
      if (!a || !b || (a.tables.length === 0 && b.tables.length === 0)) continue;
      // A tree writes tables through macros (EM()/EMe() lists, show_*_flags()) that tracefs prints expanded:
      // across kinds they do not compare, and a guess would be noise.
      if (!cmp.printArgsComparable) continue;
      const withValues = true;
      const before = symbols(a.tables, withValues);
      const after = symbols(b.tables, withValues);
      const name = (k: string): string => k.slice(k.lastIndexOf(' ') + 1);
      const removed = [...before.keys()].filter((k) => !after.has(k));
      const added = [...after.keys()].filter((k) => !before.has(k));
      const revalued = [...before.keys()].filter((k) => after.has(k) && after.get(k) !== before.get(k));
      if (removed.length + added.length + revalued.length === 0) continue;
      const parts: string[] = [];
      if (removed.length) parts.push(`removed ${removed.map(name).join(', ')}`);
      if (added.length) parts.push(`added ${added.map(name).join(', ')}`);
      if (revalued.length) parts.push(`new values for ${revalued.map(name).join(', ')}`);
      emit({
        event: eventKey(p.new),
        message: `print symbol table changed: ${parts.join('; ')}`,
        old: Object.fromEntries([...removed, ...revalued].map((k) => [k, before.get(k)])),
        new: Object.fromEntries([...added, ...revalued].map((k) => [k, after.get(k)])),
        ...(p.new.location ? { location: p.new.location } : {}),
        ...(p.new.class ? { class: p.new.class } : {}),
      });
    }
  },
};
export default rule;
