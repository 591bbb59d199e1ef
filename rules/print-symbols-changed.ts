import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { samePrint, viewPrint, type SymbolTable } from '../src/diff/print.js';

/**
 * Which new table each old table became: the one decoding the same expression, else the one sharing the most
 * names, else the one at the same position. Tables inserted before others (6.12's surface_aggregator gained
 * two) must not make every later table look replaced.
 */
export function pairTables(a: SymbolTable[], b: SymbolTable[]): { old?: SymbolTable; new?: SymbolTable }[] {
  const taken = new Set<number>();
  const pairs: { old?: SymbolTable; new?: SymbolTable }[] = [];
  const names = (t: SymbolTable) => new Set(t.entries.map((e) => e.name));
  const choose = (t: SymbolTable, i: number): number => {
    const free = b.map((_, j) => j).filter((j) => !taken.has(j));
    const same = free.find((j) => b[j]!.subject === t.subject && b[j]!.call === t.call);
    if (same !== undefined) return same;
    const mine = names(t);
    let best = -1;
    let bestShared = 0;
    for (const j of free) {
      const shared = b[j]!.entries.filter((e) => mine.has(e.name)).length;
      if (shared > bestShared) [best, bestShared] = [j, shared];
    }
    if (best >= 0) return best;
    return free.includes(i) ? i : -1;
  };
  a.forEach((t, i) => {
    const j = choose(t, i);
    if (j >= 0) taken.add(j);
    pairs.push(j >= 0 ? { old: t, new: b[j]! } : { old: t });
  });
  b.forEach((t, j) => {
    if (!taken.has(j)) pairs.push({ new: t });
  });
  return pairs;
}

/** name → value, each name once (the first entry wins, as the kernel's lookup finds it). */
function entries(t: SymbolTable | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of t?.entries ?? []) if (!m.has(e.name)) m.set(e.name, e.value);
  return m;
}

/** At most this many names per list in a message; the rest are counted (old/new carry them all). */
const NAMES_SHOWN = 12;

function list(names: string[]): string {
  return names.length > NAMES_SHOWN ? `${names.slice(0, NAMES_SHOWN).join(', ')}, … ${names.length - NAMES_SHOWN} more` : names.join(', ');
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
      const parts: string[] = [];
      const oldSide: Record<string, string> = {};
      const newSide: Record<string, string> = {};
      for (const pair of pairTables(a.tables, b.tables)) {
        const before = entries(pair.old);
        const after = entries(pair.new);
        const removed = [...before.keys()].filter((k) => !after.has(k));
        const added = [...after.keys()].filter((k) => !before.has(k));
        const revalued = [...before.keys()].filter((k) => after.has(k) && after.get(k) !== before.get(k));
        if (removed.length + added.length + revalued.length === 0) continue;
        const table = `${(pair.new ?? pair.old)!.call}(${(pair.new ?? pair.old)!.subject})`;
        const what: string[] = [];
        if (!pair.old) what.push(`new table (${after.size} names)`);
        else if (!pair.new) what.push(`table removed (${before.size} names)`);
        else {
          if (removed.length) what.push(`removed ${list(removed)}`);
          if (added.length) what.push(`added ${list(added)}`);
          if (revalued.length) what.push(`new values for ${list(revalued)}`);
        }
        parts.push(`${table}: ${what.join('; ')}`);
        for (const k of [...removed, ...revalued]) oldSide[`${table} ${k}`] = before.get(k)!;
        for (const k of [...added, ...revalued]) newSide[`${table} ${k}`] = after.get(k)!;
      }
      if (parts.length === 0) continue;
      emit({
        event: eventKey(p.new),
        message: `print symbol table changed: ${parts.join(' | ')}`,
        old: oldSide,
        new: newSide,
        ...(p.new.location ? { location: p.new.location } : {}),
        ...(p.new.class ? { class: p.new.class } : {}),
      });
    }
  },
};
export default rule;
